import type { SpeechClient } from '@google-cloud/speech';
import type { Conversation, ConversationContext } from './media-port';
import { TranscriptWriter } from './transcript-writer';
import type { MediaTrack } from '../model/media-track';
import type { Speaker } from '../shared/wire-types';
import { EndlessSpeechStream } from '../stt/endless-speech-stream';
import { speechModelFor } from '../stt/speech-models';

/**
 * Transcribe mode: both tracks of a two-party call, each through its own endless Speech-to-Text
 * stream (inbound = the callee, outbound = the party at connectTo). Final results are stored in
 * spoken order and emitted as `call.transcript`; interim ones only go to live viewers.
 */
export class TranscribeConversation implements Conversation {
  private readonly streams: Record<MediaTrack, EndlessSpeechStream>;
  private readonly writer: TranscriptWriter;
  private finished = false;

  constructor(context: ConversationContext, client: SpeechClient, options: { model?: string } = {}) {
    this.writer = new TranscriptWriter(context);
    const { language, id } = context.call;
    const model = speechModelFor(language, options.model);
    const stream = (speaker: Speaker) =>
      new EndlessSpeechStream(
        { client, log: context.log, languageCode: language, model, audioTopic: `Phone call ${id}, ${speaker} side` },
        {
          interim: (text, startMs) => this.writer.interim(speaker, text, startMs),
          final: (entry) => this.writer.add({ speaker, ...entry }),
          failed: (reason) => context.transcriptionFailed(`${speaker} side: ${reason}`),
        },
      );
    this.streams = { inbound: stream('callee'), outbound: stream('party') };
  }

  media(track: MediaTrack, audio: Buffer, timestampMs: number): void {
    if (this.finished) return;
    this.streams[track].write(audio, timestampMs);
  }

  mark(): void {
    // Transcribe mode sends no audio back, so Twilio has no marks to echo.
  }

  dtmf(): void {
    // Key presses are logged by the session; they are not part of a transcript.
  }

  personAnswered(): void {
    // Nothing speaks first in transcribe mode.
  }

  async finish(): Promise<void> {
    this.finished = true;
    await Promise.all([this.streams.inbound.finish(), this.streams.outbound.finish()]);
    await this.writer.flushed();
  }
}
