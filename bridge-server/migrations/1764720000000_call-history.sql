-- Up Migration
-- The call history archive (docs/history.md). Fed from the events stream; every write is an
-- upsert keyed by the event (or by the call and entry it carries), so a redelivery changes nothing.

CREATE TABLE vb_calls (
  id              text PRIMARY KEY,
  twilio_call_sid text,
  mode            text NOT NULL,
  direction       text NOT NULL,
  to_number       text NOT NULL,
  from_number     text NOT NULL,
  -- digits of to, from and connectTo, for the number filter
  number_digits   text NOT NULL,
  status          text NOT NULL,
  end_reason      text,
  created_at      timestamptz NOT NULL,
  ended_at        timestamptz,
  duration_sec    integer,
  -- the call as the API shows it, transcript aside (kept in vb_transcript_entries)
  resource        jsonb NOT NULL,
  -- the events-stream position of the event this row was last written from: an older event never overwrites a newer one
  stream_ms       bigint NOT NULL,
  stream_seq      bigint NOT NULL,
  archived_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX vb_calls_newest ON vb_calls (created_at DESC, id DESC);
CREATE INDEX vb_calls_status_newest ON vb_calls (status, created_at DESC);

CREATE TABLE vb_transcript_entries (
  call_id  text NOT NULL REFERENCES vb_calls (id) ON DELETE CASCADE,
  seq      integer NOT NULL,
  speaker  text NOT NULL,
  text     text NOT NULL,
  start_ms integer NOT NULL,
  end_ms   integer NOT NULL,
  -- the entry as the API shows it (label, tool use)
  entry    jsonb NOT NULL,
  -- 'simple': no stemming, so it works for every language a call may be in
  words    tsvector GENERATED ALWAYS AS (to_tsvector('simple', text)) STORED,
  PRIMARY KEY (call_id, seq)
);
CREATE INDEX vb_transcript_words ON vb_transcript_entries USING gin (words);

CREATE TABLE vb_call_events (
  event_id   text PRIMARY KEY,
  call_id    text NOT NULL REFERENCES vb_calls (id) ON DELETE CASCADE,
  type       text NOT NULL,
  created_at timestamptz NOT NULL,
  stream_id  text NOT NULL,
  body       jsonb NOT NULL
);
CREATE INDEX vb_call_events_by_call ON vb_call_events (call_id, created_at);

-- Calls whose data were deleted on request: events still in the stream are never archived again.
CREATE TABLE vb_deleted_calls (
  id         text PRIMARY KEY,
  deleted_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE vb_deleted_calls;
DROP TABLE vb_call_events;
DROP TABLE vb_transcript_entries;
DROP TABLE vb_calls;
