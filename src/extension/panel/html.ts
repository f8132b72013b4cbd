/** The HTML of the panels. Pure string building, so the test harness can serve the exact page VS Code gets. */

export interface PanelHtmlInput {
  /** `webview.cspSource`: the origin the webview serves local resources from. */
  cspSource: string;
  /** Random per page load; only the script tag carrying it may run. */
  nonce: string;
  scriptUri: string;
  styleUri: string;
  title: string;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Builds the content security policy. Scripts run only with the nonce, and nothing may evaluate strings as code
 * (chart.js 4 and lit need neither). Styles come from the extension's files. Chromium does not apply `style-src`
 * to styles set from script (chart.js sizing its canvas) or to lit's constructed style sheets.
 */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
  ].join('; ');
}

export function panelHtml(input: PanelHtmlInput): string {
  const csp = contentSecurityPolicy(input.cspSource, input.nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(input.styleUri)}">
<title>${escapeHtml(input.title)}</title>
</head>
<body data-state="loading">
<div id="app"></div>
<script nonce="${escapeHtml(input.nonce)}" src="${escapeHtml(input.scriptUri)}"></script>
</body>
</html>`;
}

/** Builds a page without scripts that shows one message, for a restored panel whose run folder is missing. */
export function messageHtml(cspSource: string, text: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${escapeHtml(cspSource)}">
</head>
<body><p>${escapeHtml(text)}</p></body>
</html>`;
}
