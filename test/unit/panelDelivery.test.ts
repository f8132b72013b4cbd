import * as assert from 'node:assert/strict';
import { PanelDelivery, type DeliverySource } from '../../src/extension/panel/delivery';
import type { EpochRecord, GrokTimes } from '../../src/shared/metrics';
import type { HostToWebview } from '../../src/shared/protocol';
import { RunStore } from '../../src/webview/runStore';

const TIMES: GrokTimes = { tTrain: null, tTest: null, tGrok: null, grokked: null };

function record(epoch: number): EpochRecord {
  return {
    epoch,
    trainLoss: 1 / (epoch + 1),
    trainAccuracy: 0,
    testLoss: 2 / (epoch + 1),
    testAccuracy: 0,
    weightNorm: 10,
    layerNorms: [6, 8],
    collapsedFraction: 0,
    elapsedSeconds: epoch,
  };
}

/** The host's store of one run, as a RunFeed keeps it: records are stored before their append event. */
class FakeRun implements DeliverySource {
  readonly runId = 'run-1';
  readonly records: EpochRecord[] = [];
  snapshot() {
    return {
      run: { runId: this.runId, title: 't', runDir: '/runs/run-1', state: 'running' as const, epochs: 101, subtitle: '' },
      records: [...this.records],
      times: TIMES,
      settings: { logX: true },
    };
  }
  times(): GrokTimes {
    return TIMES;
  }
}

/**
 * A webview document as VS Code runs it: posts to a destroyed document resolve false, and a document whose
 * listener is not installed yet swallows messages while VS Code still reports them delivered.
 */
class FakeWebview {
  store = new RunStore({ logX: true });
  alive = false;
  listening = false;
  readySignals = 0;
  readonly seen: number[] = [];

  load(): void {
    this.alive = true;
    this.listening = true;
    this.store = new RunStore({ logX: true });
  }

  destroy(): void {
    this.alive = false;
    this.listening = false;
  }

  deliver(message: HostToWebview): boolean {
    if (!this.alive) return false;
    if (!this.listening) return true;
    this.seen.push(message.seq);
    if (this.store.apply(message).kind === 'gap') this.readySignals += 1;
    return true;
  }
}

/** Host and webview wired together; every posted message passes through `post`. */
class Harness {
  readonly run = new FakeRun();
  readonly webview = new FakeWebview();
  readonly delivery: PanelDelivery;
  readonly posted: HostToWebview[] = [];
  failedPosts = 0;

  constructor(retainsContext: boolean) {
    this.delivery = new PanelDelivery(this.run, retainsContext);
  }

  post(messages: HostToWebview[]): void {
    for (const message of messages) {
      this.posted.push(message);
      if (this.webview.deliver(message)) continue;
      this.failedPosts += 1;
      this.delivery.resync();
    }
  }

  appendAndFlush(epoch: number): void {
    const r = record(epoch);
    this.run.records.push(r);
    this.delivery.buffer([r]);
    this.post(this.delivery.flush());
  }

  ready(): void {
    this.post(this.delivery.ready());
  }

  answerGaps(): void {
    while (this.webview.readySignals > 0) {
      this.webview.readySignals -= 1;
      this.ready();
    }
  }
}

function epochs(store: RunStore): number[] {
  return store.records.map((r) => r.epoch);
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

describe('panel delivery (host seq and resync with the webview store)', () => {
  for (const retainsContext of [false, true]) {
    it(`delivers records 1–101 once when hidden, retainContextWhenHidden ${retainsContext}`, () => {
      const h = new Harness(retainsContext);
      h.run.records.push(record(1));

      // The panel is created and 50 batches arrive in the same tick, before the document listens.
      for (let epoch = 2; epoch <= 51; epoch++) h.appendAndFlush(epoch);
      assert.equal(h.posted.length, 0, 'nothing may be posted before ready');

      h.webview.load();
      h.ready();
      assert.deepEqual(epochs(h.webview.store), range(1, 51));

      h.post(h.delivery.setVisible(false));
      if (!retainsContext) h.webview.destroy();
      for (let epoch = 52; epoch <= 101; epoch++) h.appendAndFlush(epoch);

      h.post(h.delivery.setVisible(true));
      if (!retainsContext) {
        h.webview.load();
        h.ready();
      }

      assert.deepEqual(epochs(h.webview.store), range(1, 101));
      const seqs = h.posted.map((m) => m.seq);
      assert.deepEqual(seqs, range(1, seqs.length), 'host seqs must rise by one per posted message');
      assert.equal(h.failedPosts, 0, 'nothing may be posted to a destroyed document');
    });
  }

  it('batches appends until the next flush', () => {
    const h = new Harness(false);
    h.webview.load();
    h.ready();
    for (let epoch = 0; epoch < 10; epoch++) {
      const r = record(epoch);
      h.run.records.push(r);
      h.delivery.buffer([r]);
    }
    const messages = h.delivery.flush();
    assert.equal(messages.length, 1);
    assert.equal(messages[0].type, 'append');
    assert.equal(messages[0].seq, 2);
    assert.deepEqual(messages[0].type === 'append' ? messages[0].records.map((r) => r.epoch) : [], range(0, 9));
    assert.deepEqual(h.delivery.flush(), []);
  });

  it('resends history after postMessage resolved false', () => {
    const h = new Harness(false);
    h.webview.load();
    h.ready();
    h.appendAndFlush(0);
    h.webview.alive = false;
    h.appendAndFlush(1);
    h.webview.alive = true;
    h.appendAndFlush(2);

    const types = h.posted.map((m) => m.type);
    assert.deepEqual(types, ['init', 'append', 'append', 'init']);
    assert.deepEqual(epochs(h.webview.store), [0, 1, 2]);
  });

  it('recovers from a message lost on the way', () => {
    const h = new Harness(false);
    h.webview.load();
    h.ready();
    h.appendAndFlush(0);
    h.webview.listening = false;
    h.appendAndFlush(1);
    h.webview.listening = true;
    h.appendAndFlush(2);
    assert.equal(h.webview.readySignals, 1, 'the gap from seq 2 to 4 must ask for one resync');
    assert.deepEqual(epochs(h.webview.store), [0]);

    h.answerGaps();
    assert.deepEqual(epochs(h.webview.store), [0, 1, 2]);
  });

  it('sends init when a resumed run rewrites epochs', () => {
    const h = new Harness(false);
    h.webview.load();
    h.ready();
    for (let epoch = 0; epoch <= 5; epoch++) h.appendAndFlush(epoch);
    // The store replaces epoch 3 and drops what followed, as a resume from a checkpoint at epoch 2 does.
    h.run.records.length = 3;
    h.appendAndFlush(3);
    assert.equal(h.posted[h.posted.length - 1].type, 'init');
    assert.deepEqual(epochs(h.webview.store), [0, 1, 2, 3]);
  });

  it('flushes records before a state change', () => {
    const h = new Harness(false);
    h.webview.load();
    h.ready();
    const r = record(7);
    h.run.records.push(r);
    h.delivery.buffer([r]);
    const messages = h.delivery.status('failed', 'out of memory');
    assert.deepEqual(
      messages.map((m) => m.type),
      ['append', 'status'],
    );
    h.post(messages);
    assert.equal(h.webview.store.run?.state, 'failed');
    assert.equal(h.webview.store.run?.reason, 'out of memory');
    assert.deepEqual(epochs(h.webview.store), [7]);
  });

  it('carries a state change made while hidden in the next init', () => {
    const h = new Harness(true);
    h.webview.load();
    h.ready();
    h.post(h.delivery.setVisible(false));
    assert.deepEqual(h.delivery.status('stopped', 'stopped by the user'), []);
    assert.deepEqual(
      h.delivery.setVisible(true).map((m) => m.type),
      ['init'],
    );
  });
});

describe('webview run store', () => {
  it('ignores a message whose seq is not above the last', () => {
    const store = new RunStore({ logX: false });
    const run = new FakeRun();
    run.records.push(record(0));
    assert.equal(store.apply({ type: 'init', seq: 3, ...run.snapshot() }).kind, 'reset');
    const append: HostToWebview = { type: 'append', seq: 4, runId: run.runId, records: [record(1)], times: TIMES };
    assert.equal(store.apply(append).kind, 'append');
    assert.equal(store.apply(append).kind, 'ignored');
    assert.equal(store.apply({ type: 'init', seq: 2, ...run.snapshot() }).kind, 'ignored');
    assert.deepEqual(epochs(store), [0, 1]);
    assert.equal(store.seq, 4);
  });

  it('asks for one resync per gap', () => {
    const store = new RunStore({ logX: false });
    const run = new FakeRun();
    store.apply({ type: 'init', seq: 1, ...run.snapshot() });
    const later = (seq: number, epoch: number): HostToWebview => ({ type: 'append', seq, runId: run.runId, records: [record(epoch)], times: TIMES });
    assert.equal(store.apply(later(3, 5)).kind, 'gap');
    assert.equal(store.apply(later(4, 6)).kind, 'ignored');
    assert.deepEqual(epochs(store), []);
  });

  it('takes settings from init and settings messages', () => {
    const store = new RunStore({ logX: true });
    const run = new FakeRun();
    store.apply({ type: 'init', seq: 1, ...run.snapshot(), settings: { logX: false } });
    assert.equal(store.settings.logX, false);
    assert.equal(store.apply({ type: 'settings', seq: 2, settings: { logX: true } }).kind, 'settings');
    assert.equal(store.settings.logX, true);
  });
});
