// The dashboard's connection to the bridge: the /v1 API with the key (asked for when needed and
// kept in this tab only), and the /v1/live stream, resumed after a drop from the last event seen.
window.VoiceBridgeApi = (() => {
  const $ = (selector) => document.querySelector(selector);
  let apiKey = sessionStorage.getItem('voiceBridgeKey') || '';
  let asking = null;

  const headers = () => (apiKey ? { authorization: `Bearer ${apiKey}` } : {});

  /** Asks for the key; `refused` says the one given was wrong. */
  function askForKey(refused) {
    asking ??= new Promise((resolve) => {
      $('#key-error').textContent = refused ? 'That key was refused. Check BRIDGE_API_KEY and try again.' : '';
      $('#key-form').onsubmit = () => {
        apiKey = String(new FormData($('#key-form')).get('key'));
        sessionStorage.setItem('voiceBridgeKey', apiKey);
        asking = null;
        resolve();
      };
      $('#key-dialog').showModal();
    });
    return asking;
  }

  async function api(path, options = {}) {
    const response = await fetch(path, {
      ...options,
      headers: { ...headers(), ...(options.body ? { 'content-type': 'application/json' } : {}) },
    });
    if (response.status === 401) {
      await askForKey(Boolean(apiKey));
      return api(path, options);
    }
    const body = response.status === 204 ? null : await response.json();
    if (!response.ok) throw new Error(body?.error?.message || `HTTP ${response.status}`);
    return body;
  }

  /** A binary answer (a recording's audio), fetched with the key, as a Blob. */
  async function media(path) {
    const response = await fetch(path, { headers: headers() });
    if (response.status === 401) {
      await askForKey(Boolean(apiKey));
      return media(path);
    }
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return response.blob();
  }

  /** Calls `onMessage` with every live message, for as long as the page is open. */
  async function listen(onMessage, onState) {
    let lastEventId = '';
    for (;;) {
      try {
        const response = await fetch('/v1/live', {
          headers: { ...headers(), ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
        });
        if (response.status === 401) {
          await askForKey(Boolean(apiKey));
          continue;
        }
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        onState(true);
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
        // The stream dropped (the bridge restarting, or too many viewers): try again shortly.
      }
      onState(false);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }

  return { api, listen, media };
})();
