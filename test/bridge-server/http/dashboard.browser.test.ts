import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { startTestBridge, type TestBridge } from '../../support/sandbox-bridge';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = join(__dirname, '..', '..', '..', 'test-artifacts');

describe('dashboard in a real browser (Debian chromium driven by playwright-core)', () => {
  let t: TestBridge;
  let browser: Browser;

  beforeAll(async () => {
    t = await startTestBridge({ SANDBOX_SPEED: '2' });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await t.close();
  });

  it('places a transcribe call from the form and shows both sides live, interim then final, with a status timeline', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    await page.goto(t.url);
    await page.getByText('sandbox: simulated calls').waitFor();
    await page.getByText('Transcribe two people').click();
    await page.getByRole('button', { name: 'Call' }).click();
    await page.locator('#calls li').first().waitFor();
    // Live: an interim bubble appears while someone is still talking, then finals for both sides.
    await page.locator('.bubble.interim').first().waitFor({ timeout: 20_000 });
    await page.locator('.bubble.party:not(.interim)').first().waitFor({ timeout: 20_000 });
    await page.locator('.bubble.callee:not(.interim)').first().waitFor({ timeout: 20_000 });
    await page.locator('#timeline li', { hasText: 'in-progress' }).waitFor();
    await page.locator('#calls .pill.completed').first().waitFor({ timeout: 30_000 });
    const finals = await page.locator('.bubble:not(.interim) .text').allTextContents();
    expect(finals).toEqual([
      'Hello, this is Alex from Acme Sales. Thanks for taking my call.',
      'Hi, yes, this is Sam speaking.',
      'Great, I will send over the proposal this afternoon.',
      'Yes, that works for me.',
    ]);
    expect(await page.locator('.bubble.interim').count()).toBe(0);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-transcribe.png'), fullPage: true });
  });

  it('places an agent call and follows the conversation to its end', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    await page.goto(t.url);
    await page.getByRole('button', { name: 'Call' }).click();
    await page.locator('.bubble.agent:not(.interim)').first().waitFor({ timeout: 20_000 });
    await page.locator('#call-meta', { hasText: 'ended: agent-hangup' }).waitFor({ timeout: 60_000 });
    const speakers = await page.locator('.bubble:not(.interim)').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-speaker')));
    expect(speakers).toEqual(['agent', 'callee', 'agent', 'callee', 'agent']);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-agent.png'), fullPage: true });
  });
});
