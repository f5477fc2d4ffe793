import { WebSocket, WebSocketServer, type RawData } from 'ws';

/**
 * The load test's reference point: a bare WebSocket relay, run as its own process. Each Twilio
 * media frame is parsed and re-wrapped as a Gemini `realtimeInput` message, each Gemini audio
 * message as a Twilio `media` message: one message per 20 ms frame each way, no audio
 * conversion, no marks, no store. What a naive bridge costs before it does any real work.
 */
function relay(upstreamUrl: string, port: number): void {
  const wss = new WebSocketServer({ port, host: '127.0.0.1', perMessageDeflate: false });
  wss.on('connection', (twilio) => {
    const gemini = new WebSocket(upstreamUrl, { perMessageDeflate: false });
    let streamSid = '';
    twilio.on('message', (data: RawData) => {
      const message = JSON.parse(data.toString()) as { event: string; streamSid?: string; media?: { payload: string } };
      if (message.event === 'start') streamSid = message.streamSid ?? '';
      if (message.event !== 'media' || gemini.readyState !== WebSocket.OPEN) return;
      gemini.send(
        JSON.stringify({ realtimeInput: { audio: { data: message.media?.payload, mimeType: 'audio/pcm;rate=8000' } } }),
      );
    });
    gemini.on('message', (data: RawData) => {
      const message = JSON.parse(data.toString()) as {
        serverContent?: { modelTurn?: { parts?: { inlineData?: { data: string } }[] } };
      };
      const audio = message.serverContent?.modelTurn?.parts?.[0]?.inlineData?.data;
      if (audio && twilio.readyState === WebSocket.OPEN)
        twilio.send(JSON.stringify({ event: 'media', streamSid, media: { payload: audio } }));
    });
    twilio.on('close', () => gemini.close());
    gemini.on('close', () => twilio.close());
    gemini.on('error', () => twilio.terminate());
  });
  wss.on('listening', () => process.send?.({ event: 'ready', port: (wss.address() as { port: number }).port }));
}

relay(process.env.RELAY_UPSTREAM ?? '', Number(process.env.RELAY_PORT ?? 0));
