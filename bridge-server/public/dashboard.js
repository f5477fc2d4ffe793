// The Voice Bridge dashboard: calls and their live transcripts, from /v1 and the /v1/live stream.
(() => {
  const ENDED = ['completed', 'busy', 'no-answer', 'failed', 'canceled'];
  const LABEL = { agent: 'Agent', callee: 'Callee', party: 'Party' };
  const $ = (selector) => document.querySelector(selector);
  const calls = new Map();
  const timelines = new Map();
  const interims = new Map();
  let selected = null;
  let apiKey = sessionStorage.getItem('voiceBridgeKey') || '';

  const headers = () => (apiKey ? { authorization: `Bearer ${apiKey}` } : {});

  async function api(path, options = {}) {
    const response = await fetch(path, { ...options, headers: { ...headers(), ...(options.body ? { 'content-type': 'application/json' } : {}) } });
    if (response.status === 401) {
      await askForKey();
      return api(path, options);
    }
    const body = response.status === 204 ? null : await response.json();
    if (!response.ok) throw new Error(body?.error?.message || `HTTP ${response.status}`);
    return body;
  }

  function askForKey() {
    return new Promise((resolve) => {
      const dialog = $('#key-dialog');
      $('#key-form').onsubmit = () => {
        apiKey = new FormData($('#key-form')).get('key');
        sessionStorage.setItem('voiceBridgeKey', apiKey);
        resolve();
      };
      dialog.showModal();
    });
  }

  const seconds = (ms) => `${Math.floor(ms / 60000)}:${String(Math.floor((ms % 60000) / 1000)).padStart(2, '0')}`;
  const clock = (iso) => new Date(iso).toLocaleTimeString();

  function duration(call) {
    if (call.durationSec !== null && call.durationSec !== undefined) return seconds(call.durationSec * 1000);
    if (call.answeredAt) return seconds(Date.now() - Date.parse(call.answeredAt));
    return '–';
  }

  function speakers(call) {
    return call.mode === 'agent' ? 'agent ⇄ callee' : 'callee ⇄ party';
  }

  function renderList() {
    const list = $('#calls');
    const sorted = [...calls.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    list.replaceChildren(...sorted.map((call) => {
      const item = document.createElement('li');
      item.dataset.callId = call.id;
      item.className = call.id === selected ? 'selected' : '';
      item.innerHTML = `<span class="who"></span><span class="pill ${call.status}">${call.status}</span><span class="sub"></span>`;
      item.querySelector('.who').textContent = call.to;
      item.querySelector('.sub').textContent = `${call.mode} · ${speakers(call)} · ${duration(call)}`;
      item.onclick = () => select(call.id);
      return item;
    }));
  }

  function renderDetail() {
    const call = calls.get(selected);
    $('#empty').hidden = Boolean(call);
    $('#call').hidden = !call;
    if (!call) return;
    $('#call-title').textContent = `${call.mode === 'agent' ? 'AI agent call' : 'Transcribed call'} to ${call.to}`;
    $('#call-meta').textContent = [call.status, call.endReason && `ended: ${call.endReason}`, call.answeredBy && `answered by ${call.answeredBy}`, duration(call), call.connectTo && `connected to ${call.connectTo}`].filter(Boolean).join(' · ');
    $('#hangup').disabled = ENDED.includes(call.status);
    const steps = timelines.get(call.id) || [];
    $('#timeline').replaceChildren(...steps.map(({ status, at }) => {
      const item = document.createElement('li');
      item.innerHTML = `<span></span><time></time>`;
      item.querySelector('span').textContent = status;
      item.querySelector('time').textContent = clock(at);
      return item;
    }));
    const bubbles = [...(call.transcript || [])].sort((a, b) => a.startMs - b.startMs || a.seq - b.seq).map((entry) => bubble(entry.speaker, entry.text, entry.startMs, false));
    for (const [key, interim] of interims) if (key.startsWith(`${call.id}:`)) bubbles.push(bubble(interim.speaker, interim.text, interim.startMs, true));
    $('#transcript').replaceChildren(...bubbles);
  }

  function bubble(speaker, text, startMs, interim) {
    const node = document.createElement('div');
    node.className = `bubble ${speaker}${interim ? ' interim' : ''}`;
    node.dataset.speaker = speaker;
    node.innerHTML = '<span class="speaker"></span><span class="text"></span><span class="at"></span>';
    node.querySelector('.speaker').textContent = `${LABEL[speaker] || speaker}${interim ? ' (speaking…)' : ''}`;
    node.querySelector('.text').textContent = text;
    node.querySelector('.at').textContent = seconds(startMs);
    return node;
  }

  function remember(call) {
    const known = calls.get(call.id);
    const merged = { ...known, ...call, transcript: call.transcript && call.transcript.length >= (known?.transcript?.length || 0) ? call.transcript : known?.transcript || [] };
    calls.set(call.id, merged);
    const steps = timelines.get(call.id) || [{ status: 'queued', at: call.createdAt }];
    if (!steps.some((s) => s.status === call.status)) steps.push({ status: call.status, at: call.endedAt || call.answeredAt || new Date().toISOString() });
    timelines.set(call.id, steps);
  }

  async function select(id) {
    selected = id;
    remember(await api(`/v1/calls/${id}`));
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
      if (!known.transcript.some((e) => e.seq === message.utterance.seq)) known.transcript = [...known.transcript, message.utterance];
      calls.set(call.id, { ...known, status: call.status });
      interims.delete(`${call.id}:${message.utterance.speaker}`);
    } else {
      remember(call);
      if (message.type === 'call.ended') for (const speaker of Object.keys(LABEL)) interims.delete(`${call.id}:${speaker}`);
    }
    render();
  }

  async function listen() {
    // The last stored event seen: after a reconnect the bridge first sends what came since.
    let lastEventId = '';
    for (;;) {
      try {
        const response = await fetch('/v1/live', { headers: { ...headers(), ...(lastEventId ? { 'last-event-id': lastEventId } : {}) } });
        if (response.status === 401) {
          await askForKey();
          continue;
        }
        $('#bridge-state').dataset.live = 'yes';
        const reader = response.body.getReader();
        const decoder = new TextDecoder();
        let buffered = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffered += decoder.decode(value, { stream: true });
          const events = buffered.split('\n\n');
          buffered = events.pop();
          for (const event of events) {
            const lines = event.split('\n');
            const id = lines.find((line) => line.startsWith('id: '));
            if (id) lastEventId = id.slice(4);
            const data = lines.find((line) => line.startsWith('data: '));
            if (data) onMessage(JSON.parse(data.slice(6)));
          }
        }
      } catch {
        // The stream dropped (bridge restarting): try again shortly.
      }
      $('#bridge-state').dataset.live = 'no';
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }

  $('#place-form').addEventListener('change', (event) => {
    if (event.target.name === 'mode') $('#place-form').dataset.mode = event.target.value;
  });

  $('#place-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    const mode = form.get('mode');
    const body = { to: form.get('to'), mode };
    if (mode === 'agent') body.agent = { prompt: form.get('prompt'), ...(form.get('greeting') ? { greeting: form.get('greeting') } : {}) };
    else body.connectTo = form.get('connectTo');
    $('#place-error').textContent = '';
    try {
      const call = await api('/v1/calls', { method: 'POST', body: JSON.stringify(body) });
      remember(call);
      selected = call.id;
      render();
    } catch (error) {
      $('#place-error').textContent = error.message;
    }
  });

  $('#hangup').addEventListener('click', async () => {
    if (selected) remember(await api(`/v1/calls/${selected}/hangup`, { method: 'POST' }));
    render();
  });

  async function start() {
    $('#place-form').dataset.mode = 'agent';
    const ready = await fetch('/readyz').then((r) => r.json()).catch(() => ({}));
    $('#bridge-state').innerHTML = `modes: ${(ready.modes || []).join(', ') || 'none'}${ready.sandbox ? '<span class="badge">sandbox: simulated calls</span>' : ''}`;
    for (const call of (await api('/v1/calls?limit=30')).calls) remember(call);
    render();
    setInterval(renderList, 1000);
    listen();
  }

  start();
})();
