import { gatewayOnStubs } from './downstream-stubs.js';

// The /docs page is sent with a Content-Security-Policy. Without a browser, this checks what a browser
// would: every file the page and its stylesheet load, and the document its script fetches, is one the
// policy lets in and the gateway serves with a type that nosniff accepts for its use.

type Policy = Map<string, string[]>;

const parsePolicy = (header: string): Policy =>
  new Map(
    header
      .split(';')
      .map((directive) => directive.trim().split(/\s+/))
      .filter(([name]) => name)
      .map(([name = '', ...sources]) => [name, sources]),
  );

/** The sources a fetch directive allows: its own, or default-src's when it has none. */
const sourcesOf = (policy: Policy, directive: string) =>
  policy.get(directive) ?? policy.get('default-src') ?? [];

/** Whether `policy` lets `directive` load `url` (a page at `origin` loads it). */
function allows(policy: Policy, directive: string, url: URL, origin: string): boolean {
  const sources = sourcesOf(policy, directive);
  if (url.protocol === 'data:') return sources.includes('data:');
  return url.origin === origin && sources.includes("'self'");
}

describe('the docs page', () => {
  const world = gatewayOnStubs();
  const base = () => `http://127.0.0.1:${world.gateway.ports['HTTP_PORT']}`;

  it('is sent with a policy that allows no inline or evaluated script and no framing, and nosniff', async () => {
    const page = await fetch(`${base()}/docs`);
    await page.text();
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const policy = parsePolicy(page.headers.get('content-security-policy') ?? '');
    expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
    expect(sourcesOf(policy, 'script-src')).toEqual(["'self'"]);
    expect(sourcesOf(policy, 'object-src')).toEqual(["'none'"]);
  });

  it('loads only what the policy allows, each served with the type its use needs', async () => {
    const page = await fetch(`${base()}/docs`);
    const html = await page.text();
    const policy = parsePolicy(page.headers.get('content-security-policy') ?? '');
    const origin = new URL(page.url).origin;

    // Nothing inline: every script is a file, and no element carries a handler or a style attribute.
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.map(([, attributes = '', body]) => [/\bsrc="/.test(attributes), body])).toEqual(
      scripts.map(() => [true, '']),
    );
    expect(html).not.toMatch(/\son[a-z]+=|\sstyle=|<style/i);

    // What the page names: by the directive its element falls under, and the type nosniff needs.
    const uses: [RegExp, string, RegExp][] = [
      [/<script\b[^>]*\bsrc="([^"]+)"/g, 'script-src', /^text\/javascript|^application\/javascript/],
      [/<link\b[^>]*\brel="stylesheet"[^>]*\bhref="([^"]+)"/g, 'style-src', /^text\/css/],
      [/<link\b[^>]*\brel="icon"[^>]*\bhref="([^"]+)"/g, 'img-src', /^image\//],
    ];
    const loaded: string[] = [];
    for (const [element, directive, type] of uses) {
      for (const [, href = ''] of html.matchAll(element)) {
        const url = new URL(href, page.url);
        const file = await fetch(url);
        const body = await file.text();
        expect([href, allows(policy, directive, url, origin), file.status, body.length > 0]).toEqual([
          href,
          true,
          200,
          true,
        ]);
        expect([href, file.headers.get('x-content-type-options')]).toEqual([href, 'nosniff']);
        expect(file.headers.get('content-type')).toMatch(type);
        loaded.push(url.pathname);
        // The stylesheet's own images (its icons) fall under img-src.
        if (directive === 'style-src') {
          expect(body).not.toMatch(/@import|@font-face/);
          for (const [, image = ''] of body.matchAll(/url\(\s*["']?([^"')]+)/g)) {
            const imageUrl = new URL(image, url);
            expect([image.slice(0, 40), allows(policy, 'img-src', imageUrl, origin)]).toEqual([
              image.slice(0, 40),
              true,
            ]);
          }
        }
      }
    }
    expect(loaded).toEqual(
      expect.arrayContaining([
        '/docs/swagger-ui-bundle.js',
        '/docs/swagger-ui-standalone-preset.js',
        '/docs/docs.js',
        '/docs/swagger-ui.css',
        '/docs/favicon-32x32.png',
      ]),
    );

    // The page's script fetches the document: connect-src, and JSON with nosniff.
    const script = await (await fetch(`${base()}/docs/docs.js`)).text();
    const [, documentPath = ''] = /url: '([^']+)'/.exec(script) ?? [];
    const documentUrl = new URL(documentPath, page.url);
    expect(allows(policy, 'connect-src', documentUrl, origin)).toBe(true);
    const document = await fetch(documentUrl);
    await document.json();
    expect([document.status, document.headers.get('x-content-type-options')]).toEqual([200, 'nosniff']);
    expect(document.headers.get('content-type')).toMatch(/^application\/json/);
  });
});
