/** The webview messages every panel contract has, with the same fields. */
type CommonMessage = { type: 'ready' } | { type: 'rendered'; runId: string; points: number; lastSeq: number } | { type: 'error'; message: string };

interface Poster {
  postMessage(message: CommonMessage): void;
}

/**
 * Starts a panel webview. `setup` builds the page and returns the handler of host messages. Every error that
 * `setup`, the handler or the page throws is posted to the host as an `error` message. `ready` is posted last,
 * because the host sends nothing before it and the listener is then in place.
 */
export function bootPanel<HostMessage>(api: Poster, setup: () => (message: HostMessage) => void): void {
  const reportError = (error: unknown): void => {
    const message = error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error);
    api.postMessage({ type: 'error', message });
  };
  try {
    const handle = setup();
    window.addEventListener('message', (event: MessageEvent<HostMessage>) => {
      try {
        handle(event.data);
      } catch (error) {
        reportError(error);
      }
    });
    window.addEventListener('error', (event) => reportError(event.error ?? event.message));
    api.postMessage({ type: 'ready' });
  } catch (error) {
    reportError(error);
  }
}

/** Marks the page as drawn for the tests and posts to the host how many points the charts contain. */
export function reportRendered(api: Poster, runId: string, points: number, lastSeq: number): void {
  document.body.dataset.state = 'rendered';
  api.postMessage({ type: 'rendered', runId, points, lastSeq });
}
