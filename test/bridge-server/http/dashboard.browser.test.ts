import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { jsonEndpoint } from '../../support/json-endpoint';
import { startTestBridge, type TestBridge } from '../../support/sandbox-bridge';
import { until } from '../../support/webhook-receiver';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = join(__dirname, '..', '..', '..', 'test-artifacts');

describe('dashboard in a real browser (Debian chromium driven by playwright-core)', () => {
  let t: TestBridge;
  let browser: Browser;
  const pageProblems = new Map<Page, string[]>();

  async function open(url = t.url): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: url });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on(
      'console',
      (message) => message.type() === 'error' && !message.text().includes('401') && problems.push(message.text()),
    );
    pageProblems.set(page, problems);
    await page.goto(url);
    return page;
  }

  /** Closes the page, checking it logged no script error on the way. */
  async function close(page: Page): Promise<void> {
    expect(pageProblems.get(page)).toEqual([]);
    await page.context().close();
  }

  beforeAll(async () => {
    t = await startTestBridge({ SANDBOX_SPEED: '2' });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await t.close();
  });

  it('places a labelled transcribe call from the form and shows both sides live, interim then final, with a status timeline', async () => {
    const page = await open();
    await page.getByText('sandbox: simulated calls').waitFor();
    await page.getByText('follow a script').waitFor();
    await page.getByText('Transcribe two people').click();
    await page.getByLabel('Callee is called').fill('Lead');
    await page.getByLabel('Connect-to party is called').fill('Rep');
    await page.getByRole('button', { name: 'Call', exact: true }).click();
    await page.locator('.bubble.interim').first().waitFor({ timeout: 20_000 });
    await page.locator('.bubble.party:not(.interim)').first().waitFor({ timeout: 20_000 });
    await page.locator('#timeline li', { hasText: 'in-progress' }).waitFor();
    await page.locator('#call-meta', { hasText: 'completed' }).waitFor({ timeout: 40_000 });
    const finals = await page.locator('.bubble:not(.interim) .text').allTextContents();
    expect(finals).toEqual([
      'Hello, this is Alex from Acme Sales. Thanks for taking my call.',
      'Hi, yes, this is Sam speaking.',
      'Great, I will send over the proposal this afternoon.',
      'Yes, that works for me.',
    ]);
    expect(await page.locator('.bubble:not(.interim) .speaker').allTextContents()).toEqual([
      'Rep',
      'Lead',
      'Rep',
      'Lead',
    ]);
    expect(await page.locator('.bubble.interim').count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-transcribe.png'), fullPage: true });
    await close(page);
  }, 90_000);

  it("offers voice, language, machine detection and max duration, explains E.164, and shows a call's details, copy and downloads, with no Hang up once ended", async () => {
    const page = await open();
    await page.locator('#voice option').nth(29).waitFor({ state: 'attached' });
    expect(await page.locator('#voice option').count()).toBe(30);
    await page.locator('#voice').selectOption('Kore');
    await page.getByLabel('Language').fill('en-GB');
    await page.getByLabel('Machine detection').selectOption('hangup');
    await page.getByLabel('Max duration (s)').fill('300');
    await page.getByText('International E.164 format').waitFor();
    await page.getByRole('button', { name: 'Call', exact: true }).click();
    await page.getByRole('button', { name: 'Hang up' }).waitFor();
    await page.locator('#call-meta', { hasText: 'ended: agent-hangup' }).waitFor({ timeout: 60_000 });
    expect(await page.getByRole('button', { name: 'Hang up' }).isHidden()).toBe(true);
    const speakers = await page
      .locator('.bubble:not(.interim)')
      .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-speaker')));
    expect(speakers).toEqual(['agent', 'callee', 'agent', 'callee', 'agent']);

    await page.locator('#details summary').click();
    const facts = await page.locator('#facts').innerText();
    for (const expected of [
      'Prompt',
      'Bright Dental',
      'Greeting',
      'Hi, this is Ava from Bright Dental.',
      'Kore',
      'en-GB',
      'hangup',
      '300 s',
      'Answered by',
      'Metadata',
    ])
      expect(facts).toContain(expected);

    await page.getByRole('button', { name: 'Copy transcript' }).click();
    const copied = (await page.evaluate('navigator.clipboard.readText()')) as string;
    expect(copied.split('\n')[0]).toBe('Agent: Hi, this is Ava from Bright Dental.');
    const [text] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download .txt' }).click(),
    ]);
    expect(readFileSync((await text.path())!, 'utf8')).toBe(copied);
    const [json] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download .json' }).click(),
    ]);
    expect(JSON.parse(readFileSync((await json.path())!, 'utf8')).transcript).toHaveLength(5);

    // The call's link survives a reload.
    const url = page.url();
    expect(url).toMatch(/#\/calls\/call_[0-9a-f]{24}$/);
    await page.reload();
    await page.locator('#call-title', { hasText: 'AI agent call to +15551230000' }).waitFor();
    expect(await page.locator('.bubble').count()).toBe(5);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-agent.png'), fullPage: true });
    await close(page);
  }, 90_000);

  it('lists calls with start time, duration, mode and end reason; filters by status and mode; searches by number and by words said; pages', async () => {
    const transcribed = await t.placeCall({ to: '+15551237777', mode: 'transcribe', connectTo: '+15559877777' });
    await t.waitForEnd(transcribed.id, 60_000);
    const busy = [];
    for (let i = 0; i < 22; i++)
      busy.push(
        await t.placeCall({ to: `+1555${String(i).padStart(3, '0')}0002`, mode: 'agent', agent: { prompt: 'p' } }),
      );
    for (const call of busy) await t.waitForEnd(call.id, 30_000);
    const page = await open();
    const rows = page.locator('#calls li');
    const filter = (name: string) => page.locator(`#filters [name="${name}"]`);
    await rows.nth(19).waitFor();
    expect(await rows.count()).toBe(20);
    expect(await page.locator('#calls li .sub').first().innerText()).toMatch(/\d{1,2}:\d{2}.* · agent · 0:00 · busy$/);
    await page.getByRole('button', { name: 'Load more' }).click();
    await rows.nth(20).waitFor();

    await filter('mode').selectOption('transcribe');
    await until(
      async () => (await page.locator('#calls li .sub').allInnerTexts()).every((text) => text.includes('transcribe')),
      10_000,
      'only transcribe calls',
    );
    expect(await page.locator(`#calls li[data-call-id="${transcribed.id}"]`).count()).toBe(1);
    await filter('mode').selectOption('');
    await filter('status').selectOption('active');
    await until(
      async () =>
        (await page.locator('#calls li .pill').allInnerTexts()).every((status) =>
          ['queued', 'ringing', 'in-progress'].includes(status),
        ),
      10_000,
      'only active calls',
    );

    await filter('status').selectOption('');
    await filter('q').fill('proposal');
    await page.locator(`#calls li[data-call-id="${transcribed.id}"]`).waitFor();
    expect(await page.locator('#calls li .sub').allInnerTexts()).toEqual(
      expect.arrayContaining([expect.stringContaining('transcribe')]),
    );
    expect((await page.locator('#calls li .sub').allInnerTexts()).every((text) => text.includes('transcribe'))).toBe(
      true,
    );
    await filter('q').fill('555 011 0002');
    await page.locator('#calls li .who', { hasText: '+15550110002' }).waitFor();
    expect(await page.locator('#calls li .who').allInnerTexts()).toEqual(['+15550110002']);
    await close(page);
  }, 120_000);

  it('simulates an incoming call from the sandbox button, shows it as inbound with the caller, and filters by direction', async () => {
    const receptionist = await jsonEndpoint(
      () => ({ action: 'agent', agent: { prompt: 'You are the receptionist.' } }),
      0,
    );
    const routed = await t.api('/v1/inbound-routes/dashboard', { method: 'PUT', json: { url: receptionist.url } });
    expect(routed.status).toBe(200);
    const page = await open();
    await page.locator('#incoming-form [name="from"]').fill('+15550107070');
    await page.getByRole('button', { name: 'Simulate incoming call' }).click();
    await page.locator('#call-title', { hasText: 'Incoming call from +15550107070' }).waitFor();
    await page
      .locator('#transcript', { hasText: 'book a cleaning appointment' })
      .waitFor({ timeout: 30_000 })
      .catch(async (error: Error) => {
        throw new Error(`${error.message}; the page showed: ${await page.locator('#detail').innerText()}`);
      });
    const id = /#\/calls\/(call_[0-9a-f]+)/.exec(page.url())![1];
    const row = page.locator(`#calls li[data-call-id="${id}"]`);
    expect(await row.locator('.who').innerText()).toBe('+15550107070 → you');
    expect(await row.locator('.sub').innerText()).toContain('inbound');
    await page.locator('#filters [name="direction"]').selectOption('inbound');
    await until(
      async () => (await page.locator('#calls li .sub').allInnerTexts()).every((text) => text.includes('inbound')),
      10_000,
      'only inbound calls',
    );
    expect(await row.count()).toBe(1);
    await close(page);
    await t.api('/v1/inbound-routes/dashboard', { method: 'DELETE' });
    await receptionist.close();
  }, 60_000);

  it('records and summarises a call placed from the form: the summary shows, and the recording plays in the audio player', async () => {
    const page = await open();
    await page.getByLabel('record the call').check();
    await page.getByLabel('summarise it afterwards').check();
    await page.getByRole('button', { name: 'Call', exact: true }).click();
    await page.locator('#call-meta', { hasText: 'completed' }).waitFor({ timeout: 60_000 });
    await page.locator('#analysis-summary', { hasText: 'Hi, yes, this is Sam speaking.' }).waitFor({ timeout: 20_000 });
    const audio = page.locator('#recording');
    await audio.waitFor({ state: 'visible', timeout: 20_000 });
    await page.waitForFunction("document.querySelector('#recording').src.startsWith('blob:')");
    await page.waitForFunction("document.querySelector('#recording').readyState >= 1");
    const played = (await audio.evaluate(`(async (element) => {
      element.muted = true;
      await element.play();
      await new Promise((resolve) => setTimeout(resolve, 1500));
      return { duration: element.duration, currentTime: element.currentTime, paused: element.paused, error: element.error ? element.error.code : null };
    })(document.querySelector('#recording'))`)) as {
      duration: number;
      currentTime: number;
      paused: boolean;
      error: number | null;
    };
    expect(played.error).toBeNull();
    expect(played.paused).toBe(false);
    expect(played.duration).toBeGreaterThan(5);
    expect(played.currentTime).toBeGreaterThan(0.5);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-recording.png'), fullPage: true });
    await close(page);
  }, 90_000);

  it('serves a favicon, and tells a wrong API key from the right one', async () => {
    expect((await fetch(`${t.url}/favicon.svg`)).headers.get('content-type')).toBe('image/svg+xml');
    const locked = await startTestBridge({ SANDBOX_SPEED: '2', BRIDGE_API_KEY: 'right-key-0123456789' });
    try {
      const page = await open(locked.url);
      await page.getByLabel('API key').fill('wrong-key');
      await page.getByRole('button', { name: 'Open' }).click();
      await page.getByText('That key was refused').waitFor();
      await page.getByLabel('API key').fill('right-key-0123456789');
      await page.getByRole('button', { name: 'Open' }).click();
      await page.locator('#bridge-state[data-live="yes"]').waitFor();
      expect(await page.evaluate("document.querySelector('#key-dialog').open")).toBe(false);
      await page.screenshot({ path: join(ARTIFACTS, 'dashboard-key.png') });
      await close(page);
    } finally {
      await locked.close();
    }
  }, 60_000);
});
