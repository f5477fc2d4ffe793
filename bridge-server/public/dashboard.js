// The Voice Bridge dashboard: place calls, find them again, and follow their transcripts live.
// Everything comes from the /v1 API and the /v1/live stream (dashboard-api.js); a call's own page
// is #/calls/<id>, so a link to it survives a reload.
(() => {
  const { api, listen, media } = window.VoiceBridgeApi;
  const ENDED = ['completed', 'busy', 'no-answer', 'failed', 'canceled'];
  const LABEL = { agent: 'Agent', callee: 'Callee', party: 'Party' };
  const $ = (selector) => document.querySelector(selector);
  const calls = new Map();
  const settings = new Map();
  const timelines = new Map();
  const interims = new Map();
  let listed = [];
  let nextCursor = null;
  let selected = null;

  const seconds = (ms) => `${Math.floor(ms / 60000)}:${String(Math.floor((ms % 60000) / 1000)).padStart(2, '0')}`;
  const clock = (iso) => (iso ? new Date(iso).toLocaleString() : '–');

  function duration(call) {
    if (call.durationSec !== null && call.durationSec !== undefined) return seconds(call.durationSec * 1000);
    if (call.answeredAt && !ENDED.includes(call.status)) return seconds(Date.now() - Date.parse(call.answeredAt));
    return '–';
  }

  const speakerName = (call, entry) =>
    entry.label || call.labels?.[entry.speaker] || LABEL[entry.speaker] || entry.speaker;

  function transcriptText(call) {
    return (call.transcript || []).map((entry) => `${speakerName(call, entry)}: ${entry.text}`).join('\n');
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // --- the list --------------------------------------------------------------------------

  function filters() {
    const form = new FormData($('#filters'));
    return {
      status: form.get('status'),
      mode: form.get('mode'),
      direction: form.get('direction'),
      q: String(form.get('q') || '').trim(),
      from: String(form.get('from') || ''),
      to: String(form.get('to') || ''),
    };
  }

  function matchesFilters(call) {
    const { status, mode, direction, q, from, to } = filters();
    if (status === 'active' && ENDED.includes(call.status)) return false;
    if (status === 'ended' && !ENDED.includes(call.status)) return false;
    if (mode && call.mode !== mode) return false;
    if (direction && (call.direction || 'outbound') !== direction) return false;
    // Dates are whole UTC days, as the API takes them.
    if (from && call.createdAt.slice(0, 10) < from) return false;
    if (to && call.createdAt.slice(0, 10) > to) return false;
    return !q;
  }

  async function loadList(more = false) {
    const { status, mode, direction, q, from, to } = filters();
    const params = new URLSearchParams({ limit: '20' });
    if (from) params.set('from', from);
    if (to) params.set('to', to);
    if (status) params.set('status', status);
    if (mode) params.set('mode', mode);
    if (direction) params.set('direction', direction);
    if (q) params.set('q', q);
    if (more && nextCursor) params.set('cursor', nextCursor);
    const page = await api(`/v1/calls?${params}`);
    for (const call of page.calls) remember(call);
    listed = more
      ? [...listed, ...page.calls.map((c) => c.id).filter((id) => !listed.includes(id))]
      : page.calls.map((c) => c.id);
    nextCursor = page.nextCursor;
    renderList();
  }

  function renderList() {
    $('#more').hidden = !nextCursor;
    $('#calls').replaceChildren(
      ...listed
        .map((id) => calls.get(id))
        .filter(Boolean)
        .map((call) => {
          const item = element('li', call.id === selected ? 'selected' : '');
          item.dataset.callId = call.id;
          const inbound = call.direction === 'inbound';
          const who = element(
            'a',
            'who',
            inbound ? `${call.from} → you` : call.mode === 'transcribe' ? `${call.to} → ${call.connectTo}` : call.to,
          );
          who.href = `#/calls/${call.id}`;
          item.append(who, element('span', `pill ${call.status}`, call.status));
          const sub = [clock(call.createdAt), inbound ? 'inbound' : call.mode, duration(call), call.endReason]
            .filter(Boolean)
            .join(' · ');
          item.append(element('span', 'sub', sub));
          item.onclick = (event) => {
            if (event.target !== who) location.hash = `#/calls/${call.id}`;
          };
          return item;
        }),
    );
  }

  // --- one call --------------------------------------------------------------------------

  function facts(call, placed) {
    const rows = [
      ['Status', call.status],
      ['End reason', call.endReason || '–'],
      ['Answered by', call.answeredBy || 'not reported'],
      ['Placed', clock(call.createdAt)],
      ['Answered', clock(call.answeredAt)],
      ['Ended', clock(call.endedAt)],
      ['Duration', duration(call)],
      ['From', call.from],
      ['To', call.to],
      ...(call.connectTo ? [['Connect to', call.connectTo]] : []),
      ['Mode', call.mode],
      ['Direction', call.direction || 'outbound'],
      ...(call.callerName ? [['Caller name', call.callerName]] : []),
      ...(call.transfer
        ? [['Transfer', `${call.transfer.mode} to ${call.transfer.to}: ${call.transfer.outcome}`]]
        : []),
    ];
    if (placed) {
      if (placed.agent)
        rows.push(
          ['Prompt', placed.agent.prompt],
          ['Greeting', placed.agent.greeting || '–'],
          ['Voice', placed.agent.voice || 'Puck'],
          ...(placed.agent.tools?.length ? [['Tools', placed.agent.tools.map((tool) => tool.name).join(', ')]] : []),
        );
      if (placed.labels)
        rows.push([
          'Labels',
          Object.entries(placed.labels)
            .map(([k, v]) => `${k}: ${v}`)
            .join(', '),
        ]);
      rows.push(
        ['Language', placed.language],
        ['Machine detection', placed.machineDetection],
        ['Max duration', `${placed.maxDurationSec} s`],
        ['Ring timeout', `${placed.ringTimeoutSec} s`],
        ['Record', placed.record ? 'yes' : 'no'],
      );
    }
    rows.push(['Metadata', JSON.stringify(call.metadata || {}, null, 2)]);
    return rows.flatMap(([name, value]) => [
      element('dt', '', name),
      element('dd', String(value).includes('\n') ? 'pre' : '', String(value)),
    ]);
  }

  function renderDetail() {
    const call = calls.get(selected);
    $('#empty').hidden = Boolean(call);
    $('#call').hidden = !call;
    if (!call) return;
    $('#call-title').textContent =
      call.direction === 'inbound'
        ? `Incoming call from ${call.from}`
        : `${call.mode === 'agent' ? 'AI agent call' : 'Transcribed call'} to ${call.to}`;
    $('#call-meta').textContent = [
      call.status,
      call.endReason && `ended: ${call.endReason}`,
      call.answeredBy && `answered by ${call.answeredBy}`,
      duration(call),
      call.connectTo && `connected to ${call.connectTo}`,
    ]
      .filter(Boolean)
      .join(' · ');
    $('#hangup').hidden = ENDED.includes(call.status);
    $('#facts').replaceChildren(...facts(call, settings.get(call.id)));
    $('#timeline').replaceChildren(
      ...(timelines.get(call.id) || []).map(({ status, at }) => {
        const item = element('li');
        item.append(element('span', '', status), element('time', '', new Date(at).toLocaleTimeString()));
        return item;
      }),
    );
    const bubbles = [...(call.transcript || [])]
      .sort((a, b) => a.startMs - b.startMs || a.seq - b.seq)
      .map((entry) => bubble(call, entry, false));
    for (const [key, interim] of interims) if (key.startsWith(`${call.id}:`)) bubbles.push(bubble(call, interim, true));
    $('#transcript').replaceChildren(...bubbles);
    renderAnalysis(call);
    renderRecording(call);
  }

  function renderAnalysis(call) {
    const analysis = call.analysis;
    $('#analysis').hidden = !analysis && !call.analysisError;
    $('#analysis-summary').textContent = analysis?.summary || call.analysisError || '';
    $('#analysis-fields').replaceChildren(
      ...Object.entries(analysis?.fields || {}).flatMap(([name, value]) => [
        element('dt', '', name),
        element('dd', '', typeof value === 'string' ? value : JSON.stringify(value)),
      ]),
    );
  }

  /** The recording plays from a Blob fetched with the key (an <audio> element cannot send one). */
  let recordingOf = null;
  function renderRecording(call) {
    const ready = call.recording?.status === 'completed';
    $('#recording-player').hidden = !ready;
    if (!ready || recordingOf === call.id) return;
    recordingOf = call.id;
    const audio = $('#recording');
    if (audio.src) URL.revokeObjectURL(audio.src);
    audio.removeAttribute('src');
    media(`/v1/calls/${call.id}/recording`).then(
      (blob) => {
        if (recordingOf === call.id) audio.src = URL.createObjectURL(blob);
      },
      (error) => {
        recordingOf = null;
        $('#action-note').textContent = `The recording could not be loaded: ${error.message}`;
      },
    );
  }

  function bubble(call, entry, interim) {
    const tool = entry.kind === 'tool';
    const node = element('div', `bubble ${tool ? 'tool' : entry.speaker}${interim ? ' interim' : ''}`);
    node.dataset.speaker = entry.speaker;
    node.append(
      element(
        'span',
        'speaker',
        tool ? `Tool: ${entry.tool?.name}` : `${speakerName(call, entry)}${interim ? ' (speaking…)' : ''}`,
      ),
      element('span', 'text', entry.text),
      element('span', 'at', seconds(entry.startMs)),
    );
    return node;
  }

  function remember(call) {
    const known = calls.get(call.id);
    const transcript =
      call.transcript && call.transcript.length >= (known?.transcript?.length || 0)
        ? call.transcript
        : known?.transcript || [];
    calls.set(call.id, { ...known, ...call, transcript });
    // A call first seen after it moved on still shows when it was answered and when it ended.
    const steps = timelines.get(call.id) || [
      { status: 'queued', at: call.createdAt },
      ...(call.answeredAt ? [{ status: 'in-progress', at: call.answeredAt }] : []),
    ];
    if (!steps.some((s) => s.status === call.status))
      steps.push({ status: call.status, at: call.endedAt || call.answeredAt || new Date().toISOString() });
    timelines.set(call.id, steps);
  }

  async function select(id) {
    selected = id;
    try {
      const [call, placed] = await Promise.all([api(`/v1/calls/${id}`), api(`/v1/calls/${id}/settings`)]);
      remember(call);
      settings.set(id, placed);
    } catch (error) {
      $('#action-note').textContent = error.message;
    }
    render();
  }

  function render() {
    renderList();
    renderDetail();
  }

  function onMessage(message) {
    if (message.type === 'transcript.interim') {
      interims.set(`${message.callId}:${message.speaker}`, message);
      if (message.callId === selected) renderDetail();
      return;
    }
    if (!message.call) return;
    const call = message.call;
    if (message.type === 'call.transcript' && message.utterance) {
      const known = calls.get(call.id) || { ...call, transcript: [] };
      if (!known.transcript.some((e) => e.seq === message.utterance.seq))
        known.transcript = [...known.transcript, message.utterance];
      calls.set(call.id, { ...known, status: call.status });
      interims.delete(`${call.id}:${message.utterance.speaker}`);
    } else {
      remember(call);
      if (message.type === 'call.ended')
        for (const speaker of Object.keys(LABEL)) interims.delete(`${call.id}:${speaker}`);
    }
    if (!listed.includes(call.id) && matchesFilters(call)) listed = [call.id, ...listed];
    render();
  }

  // --- actions ---------------------------------------------------------------------------

  function download(name, type, text) {
    const link = element('a');
    link.href = URL.createObjectURL(new Blob([text], { type }));
    link.download = name;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  }

  $('#copy').addEventListener('click', async () => {
    const call = calls.get(selected);
    await navigator.clipboard.writeText(transcriptText(call));
    $('#action-note').textContent = 'Transcript copied.';
  });
  $('#download-text').addEventListener('click', () =>
    download(`${selected}.txt`, 'text/plain', transcriptText(calls.get(selected))),
  );
  $('#download-json').addEventListener('click', () =>
    download(`${selected}.json`, 'application/json', JSON.stringify(calls.get(selected), null, 2)),
  );
  $('#hangup').addEventListener('click', async () => {
    if (selected) remember(await api(`/v1/calls/${selected}/hangup`, { method: 'POST' }));
    render();
  });

  $('#place-form').addEventListener('change', (event) => {
    if (event.target.name === 'mode') $('#place-form').dataset.mode = event.target.value;
  });

  /** A call just started here: first in the list, and open. */
  function watch(call) {
    remember(call);
    if (!listed.includes(call.id)) listed = [call.id, ...listed];
    location.hash = `#/calls/${call.id}`;
  }

  $('#place-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    const mode = form.get('mode');
    const language = String(form.get('language') || '').trim();
    const body = {
      to: form.get('to'),
      mode,
      machineDetection: form.get('machineDetection'),
      maxDurationSec: Number(form.get('maxDurationSec')),
      ...(form.get('record') ? { record: true } : {}),
      ...(form.get('summarise') ? { analysis: { summary: true } } : {}),
    };
    if (mode === 'agent') {
      body.agent = {
        prompt: form.get('prompt'),
        voice: form.get('voice'),
        ...(language ? { language } : {}),
        ...(form.get('greeting') ? { greeting: form.get('greeting') } : {}),
        ...(form.get('pressKeys') ? { pressKeys: true } : {}),
        ...(form.get('transferTo')
          ? { transfer: { to: form.get('transferTo'), mode: form.get('transferWarm') ? 'warm' : 'cold' } }
          : {}),
      };
    } else {
      body.connectTo = form.get('connectTo');
      const labels = {
        ...(form.get('calleeLabel') ? { callee: form.get('calleeLabel') } : {}),
        ...(form.get('partyLabel') ? { party: form.get('partyLabel') } : {}),
      };
      body.transcribe = { ...(language ? { language } : {}), ...(Object.keys(labels).length ? { labels } : {}) };
    }
    $('#place-error').textContent = '';
    try {
      const call = await api('/v1/calls', { method: 'POST', body: JSON.stringify(body) });
      watch(call);
    } catch (error) {
      $('#place-error').textContent = error.message;
    }
  });

  // Sandbox only: the simulated carrier rings the bridge's number as Twilio would.
  $('#incoming-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    $('#place-error').textContent = '';
    try {
      const from = String(new FormData(event.target).get('from') || '').trim();
      const call = await api('/v1/sandbox/incoming', { method: 'POST', body: JSON.stringify({ from }) });
      watch(call);
    } catch (error) {
      $('#place-error').textContent = error.message;
    }
  });

  let searchTimer;
  $('#filters').addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => loadList().catch((error) => ($('#place-error').textContent = error.message)), 250);
  });
  $('#filters').addEventListener('submit', (event) => event.preventDefault());
  $('#more').addEventListener('click', () => loadList(true));

  function route() {
    const match = /^#\/calls\/(call_[0-9a-f]+)$/.exec(location.hash);
    if (match) select(match[1]);
  }
  window.addEventListener('hashchange', route);

  async function start() {
    const ready = await fetch('/readyz')
      .then((r) => r.json())
      .catch(() => ({}));
    $('#bridge-state').textContent = `modes: ${(ready.modes || []).join(', ') || 'none'}`;
    if (ready.sandbox) {
      $('#bridge-state').append(element('span', 'badge', 'sandbox: simulated calls'));
      $('#sandbox-note').hidden = false;
      $('#incoming-form').hidden = false;
    }
    const doc = await fetch('/openapi.json')
      .then((r) => r.json())
      .catch(() => null);
    const voices = doc?.paths?.['/v1/calls']?.post?.requestBody?.content?.['application/json']?.schema?.properties
      ?.agent?.properties?.voice?.enum || ['Puck'];
    $('#voice').replaceChildren(
      ...voices.map((voice) =>
        Object.assign(element('option', '', voice), { value: voice, selected: voice === 'Puck' }),
      ),
    );
    await loadList();
    route();
    setInterval(renderList, 1000);
    listen(onMessage, (live) => ($('#bridge-state').dataset.live = live ? 'yes' : 'no'));
  }

  start();
})();
