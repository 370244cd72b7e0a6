import { expect, test, type Page, type Response } from '@playwright/test';
import { postRawAction, postWithJavaScript, renderedForm } from './action-posts';
import { deposit, form, openAccount } from './helpers';
import { newestAppendedPosition, storeClient } from './store';

// Every page response carries the security headers, and the CSP's nonce is one the page's own
// scripts satisfy: the page hydrates and a server action works with no violation reported.

declare global {
  interface Window {
    __cspViolations?: string[];
  }
}

/** Collects CSP violations both ways a page can report them: the DOM event and the console. */
function watchViolations(page: Page): string[] {
  const reported: string[] = [];
  page.on('console', (message) => {
    if (/content security policy|refused to (load|execute|apply|connect|frame)/i.test(message.text())) reported.push(message.text());
  });
  void page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (event) => {
      window.__cspViolations!.push(`${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  return reported;
}

const nonceOf = (csp: string) => /script-src [^;]*'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];

async function expectSecurityHeaders(response: Response | null, path: string): Promise<string> {
  expect(response, path).not.toBeNull();
  const headers = await response!.allHeaders();
  const csp = headers['content-security-policy'] ?? '';
  const nonce = nonceOf(csp);
  expect(nonce, `${path}: CSP script-src nonce in ${csp}`).toBeTruthy();
  expect(csp, path).toMatch(/(^|; )frame-ancestors 'none'(;|$)/);
  expect(csp, path).toMatch(/(^|; )object-src 'none'(;|$)/);
  expect(csp, path).not.toMatch(/script-src [^;]*'unsafe-inline'/);
  expect(headers['x-content-type-options'], path).toBe('nosniff');
  expect(headers['referrer-policy'], path).toBe('strict-origin-when-cross-origin');
  expect(headers['permissions-policy'], path).toMatch(/camera=\(\)/);
  expect(headers['x-powered-by'], path).toBeUndefined();
  return nonce!;
}

/** Every script the server sent carries the response's nonce (else the browser would refuse it). */
async function expectScriptsNonced(response: Response, nonce: string, path: string) {
  const html = await response.text();
  const scripts = html.match(/<script\b[^>]*>/g) ?? [];
  expect(scripts.length, `${path}: the page has scripts`).toBeGreaterThan(0);
  for (const tag of scripts) expect(tag, path).toContain(`nonce="${nonce}"`);
}

/** React has hydrated the document: its fiber keys are on the body it rendered. */
async function expectHydrated(page: Page) {
  await expect.poll(() => page.evaluate(() => Object.keys(document.body).some((key) => key.startsWith('__reactFiber')))).toBe(true);
}

test('every page carries the CSP with a nonce its scripts satisfy, and the other security headers', async ({ page }) => {
  const number = await openAccount(page, 'Header Hana', '5');
  const reported = watchViolations(page);
  const pages: Array<[string, number]> = [
    ['/', 200],
    [`/accounts/${number}`, 200],
    [`/accounts/${number}/at/0`, 200],
    ['/events', 200],
    ['/accounts/new', 200],
    ['/no-such-page', 404],
    ['/accounts/0000000000', 404],
  ];
  const nonces = new Set<string>();
  for (const [path, status] of pages) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(status);
    const nonce = await expectSecurityHeaders(response, path);
    nonces.add(nonce);
    await expectScriptsNonced(response!, nonce, path);
    await expectHydrated(page);
    expect(await page.evaluate(() => window.__cspViolations), path).toEqual([]);
  }
  // A fresh nonce per response: a nonce seen once is no use to an attacker.
  expect(nonces.size).toBe(pages.length);

  // JavaScript does its work under the policy: a server action over fetch, and a client-side navigation.
  // A marker on window survives only if no full page load happened in between.
  await page.goto(`/accounts/${number}`);
  await expectHydrated(page);
  await page.evaluate(() => Object.assign(window, { __samePage: true }));
  await deposit(page, 'abc');
  await expect(form(page, 'Deposit').getByLabel('Amount')).toHaveAttribute('aria-invalid', 'true');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Event log' }).click();
  await expect(page).toHaveURL(/\/events$/);
  await expect(page.getByRole('heading', { name: 'Event log' })).toBeVisible();
  expect(await page.evaluate(() => (window as { __samePage?: boolean }).__samePage)).toBe(true);
  expect(await page.evaluate(() => window.__cspViolations)).toEqual([]);
  expect(reported).toEqual([]);
});

test('static assets get the fixed security headers too', async ({ page, request }) => {
  const response = await page.goto('/');
  const html = await response!.text();
  const asset = /\/_next\/static\/[^"']+\.js/.exec(html)?.[0];
  expect(asset).toBeTruthy();
  const assetResponse = await request.get(asset!);
  expect(assetResponse.status()).toBe(200);
  const headers = assetResponse.headers();
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
  expect(headers['x-powered-by']).toBeUndefined();
});

test('the favicon is linked from every page and served with the security headers', async ({ page, request }) => {
  await page.goto('/');
  const href = await page.locator('link[rel="icon"]').getAttribute('href');
  expect(href).toMatch(/^\/icon\.svg/);
  const icon = await request.get(href!);
  expect(icon.status()).toBe(200);
  const headers = icon.headers();
  expect(headers['content-type']).toMatch(/^image\/svg\+xml/);
  expect(await icon.text()).toMatch(/^<svg /);
  // An SVG opened on its own is a document: it gets the policy too.
  expect(headers['content-security-policy']).toMatch(/(^|; )default-src 'self'(;|$)/);
  expect(headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
  expect(headers['x-powered-by']).toBeUndefined();
});

test('requests Next would answer with a 500 get a 4xx, with the headers, and write nothing', async ({ browser, request, baseURL }) => {
  const number = await (async () => {
    const page = await browser.newPage({ baseURL });
    try {
      return await openAccount(page, 'Refused Rafa', '5');
    } finally {
      await page.close();
    }
  })();
  const depositForm = await renderedForm(browser, baseURL!, `/accounts/${number}`, 'form[aria-labelledby="deposit-heading"]');
  const client = storeClient();
  try {
    const before = await newestAppendedPosition(client);

    // Malformed percent-escapes: in the path the proxy refuses them (400); in the query Next
    // decodes them leniently, so a page that reads the value refuses it as a bad address (404
    // with the reason) and one that does not read it serves the page.
    for (const [path, status] of [
      ['/accounts/%E0%A4%A', 400],
      ['/accounts/%ZZ/at/1', 400],
      ['/events?before=%ZZ', 404],
      ['/events?%E0=1', 200],
    ] as const) {
      const response = await request.get(path, { failOnStatusCode: false });
      expect(response.status(), path).toBe(status);
      expect(response.headers()['content-security-policy'], path).toMatch(/frame-ancestors 'none'/);
      expect(response.headers()['x-content-type-options'], path).toBe('nosniff');
      if (path.includes('before')) expect(await response.text(), path).toContain('must be a commit position');
    }

    // A body over the 1 MB action limit, with and without the Next-Action header.
    const huge = Buffer.alloc(1024 * 1024 + 1, 'a');
    const oversized = await request.post(depositForm.path, {
      headers: { 'content-type': 'multipart/form-data; boundary=x', origin: baseURL! },
      data: huge,
      failOnStatusCode: false,
    });
    expect(oversized.status()).toBe(413);
    const oversizedFetch = await postRawAction(request, baseURL!, depositForm, 'text/plain;charset=UTF-8', huge);
    expect(oversizedFetch.status()).toBe(413);

    // A server action called with something other than form data.
    for (const [contentType, body] of [
      ['application/json', '[]'],
      ['application/octet-stream', '\u0000\u0001'],
      ['text/plain;charset=UTF-8', 'not json at all'],
      ['multipart/form-data; boundary=nope', 'this is not multipart'],
    ]) {
      const response = await postRawAction(request, baseURL!, depositForm, contentType, body);
      expect(response.status(), contentType).toBeGreaterThanOrEqual(400);
      expect(response.status(), contentType).toBeLessThan(500);
    }
    // JSON arguments React's protocol allows but no form here sends: the action refuses them itself.
    for (const body of ['[]', '[{"status":"idle"},"amount=5"]', '[null,null]', '["$K1"]']) {
      const response = await postRawAction(request, baseURL!, depositForm, 'text/plain;charset=UTF-8', body);
      expect(response.status(), body).toBeLessThan(500);
      if (response.status() < 400) expect(await response.text(), body).toContain('Nothing was done');
    }

    // The same with form data: references to anything but the form made React's decoder throw.
    for (const argumentList of ['["$Q1","$K1"]', '[{"status":"idle"},"$@1"]']) {
      const response = await postWithJavaScript(request, baseURL!, depositForm, [['amount', '1']], argumentList);
      expect(response.status(), argumentList).toBe(400);
    }

    expect(await newestAppendedPosition(client)).toBe(before);
    // Still serving.
    expect((await request.get(`/accounts/${number}`)).status()).toBe(200);
  } finally {
    await client.dispose();
  }
});
