import * as assert from 'node:assert/strict';
import { contentSecurityPolicy, messageHtml, panelHtml } from '../../src/extension/panel/html';

const SOURCE = 'https://file+.vscode-resource.vscode-cdn.net';

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp.split(';').map((part) => {
      const [name, ...values] = part.trim().split(/\s+/);
      return [name, values];
    }),
  );
}

describe('live panel HTML', () => {
  it('allows only the nonce script and local resources', () => {
    const csp = directives(contentSecurityPolicy(SOURCE, 'abc123'));
    assert.deepEqual(csp.get('default-src'), ["'none'"]);
    assert.deepEqual(csp.get('script-src'), ["'nonce-abc123'"]);
    assert.deepEqual(csp.get('style-src'), [SOURCE]);
    assert.deepEqual(csp.get('img-src'), [SOURCE, 'data:']);
    assert.deepEqual(csp.get('font-src'), [SOURCE]);
    for (const values of csp.values()) {
      assert.ok(!values.includes("'unsafe-eval'"));
      assert.ok(!values.includes("'unsafe-inline'"));
    }
  });

  it('puts the nonce on the script and escapes the title', () => {
    const html = panelHtml({ cspSource: SOURCE, nonce: 'n0nce', scriptUri: `${SOURCE}/main.js`, styleUri: `${SOURCE}/main.css`, title: 'a<b> & "c"' });
    assert.match(html, /<script nonce="n0nce" src="https:\/\/file\+\.vscode-resource\.vscode-cdn\.net\/main\.js"><\/script>/);
    assert.match(html, /<title>a&#60;b&#62; &#38; &#34;c&#34;<\/title>/);
    assert.equal((html.match(/<script/g) ?? []).length, 1);
  });

  it('shows a message page without scripts', () => {
    const html = messageHtml(SOURCE, 'Run folder not found: /tmp/<x>');
    assert.ok(!html.includes('<script'));
    assert.ok(html.includes('/tmp/&#60;x&#62;'));
  });
});
