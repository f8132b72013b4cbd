import * as assert from 'node:assert/strict';
import { SeqDelivery } from '../../src/extension/panel/seqDelivery';
import type { IsingFeatureRecord, IsingLayerSummary } from '../../src/shared/isingFeatures';
import type { IsingHostMessage, IsingScatterSeries } from '../../src/shared/isingPanelProtocol';
import type { GrokTimes } from '../../src/shared/metrics';
import { IsingStore } from '../../src/webview/ising/isingStore';

const TIMES: GrokTimes = { tTrain: null, tTest: null, tGrok: null, grokked: null };
const RUN_ID = 'ising-1';

function layer(units: number): IsingLayerSummary {
  const zero = { E: 0, M: 0, absM: 0 };
  return { units, rTilde: zero, rTildeUnscaled: zero, fractionByFeature: zero, shareByFeature: zero };
}

function record(epoch: number): IsingFeatureRecord {
  return { epoch, layers: { conv1: layer(512), conv2: layer(256), fc1: layer(100) }, fc1: { rE: [0.5], rM: [0], rAbsM: [0.4], topUnit: 0 } };
}

function scatter(epoch: number): IsingScatterSeries {
  return { epoch, unit: 0, energies: [-1], activations: [epoch] };
}

/** The host side of one Ising panel: the run's records and a delivery with the panel's message builders. */
class Host {
  readonly records: IsingFeatureRecord[] = [];
  readonly delivery = new SeqDelivery<IsingHostMessage, IsingFeatureRecord>(
    {
      init: (seq) => {
        const last = this.records[this.records.length - 1];
        const message: IsingHostMessage = {
          type: 'init',
          seq,
          run: { runId: RUN_ID, title: 't', runDir: '/runs/ising-1', state: 'running', epochs: 100, subtitle: '' },
          records: [...this.records],
          times: TIMES,
          samples: null,
          scatter: last === undefined ? null : scatter(last.epoch),
          settings: { logX: true, scaled: true },
          warnings: [],
        };
        return { message, lastEpoch: last === undefined ? -Infinity : last.epoch };
      },
      append: (seq, records) => ({ type: 'append', seq, runId: RUN_ID, records, times: TIMES }),
    },
    false,
  );

  add(epoch: number): void {
    const r = record(epoch);
    this.records.push(r);
    this.delivery.buffer([r]);
  }

  scatterReply(epoch: number): IsingHostMessage[] {
    return this.delivery.event((seq) => ({ type: 'scatter', seq, runId: RUN_ID, scatter: scatter(epoch) }));
  }
}

function epochs(store: IsingStore): number[] {
  return store.records.map((r) => r.epoch);
}

describe('Ising panel delivery', () => {
  it('answers a scatter request after the queued records', () => {
    const host = new Host();
    const store = new IsingStore({ logX: true, scaled: true });
    for (const m of host.delivery.ready()) store.apply(m);
    host.add(10);
    host.add(20);
    const messages = host.scatterReply(10);
    assert.deepEqual(
      messages.map((m) => `${m.type}:${m.seq}`),
      ['append:2', 'scatter:3'],
    );
    for (const m of messages) store.apply(m);
    assert.deepEqual(epochs(store), [10, 20]);
    assert.equal(store.scatter?.epoch, 10);
  });

  it('sends an init in place of a scatter while hidden', () => {
    const host = new Host();
    host.delivery.ready();
    host.add(10);
    host.delivery.setVisible(false);
    assert.deepEqual(host.scatterReply(10), []);
    const shown = host.delivery.setVisible(true);
    assert.deepEqual(
      shown.map((m) => m.type),
      [],
      'a hidden document without retained context is gone, so showing waits for its ready',
    );
    const init = host.delivery.ready();
    assert.equal(init.length, 1);
    assert.equal(init[0].type, 'init');
    assert.equal(init[0].type === 'init' ? init[0].scatter?.epoch : undefined, 10);
  });

  it('resends everything after a rewrite of earlier epochs', () => {
    const host = new Host();
    host.delivery.ready();
    host.add(10);
    host.add(20);
    host.delivery.flush();
    host.records.length = 1;
    host.add(15);
    const messages = host.delivery.flush();
    assert.equal(messages.length, 1);
    assert.equal(messages[0].type, 'init');
    assert.deepEqual(messages[0].type === 'init' ? messages[0].records.map((r) => r.epoch) : [], [10, 15]);
  });

  it('makes the next flush an init after resync', () => {
    const host = new Host();
    host.delivery.ready();
    host.add(1);
    host.delivery.resync();
    assert.deepEqual(
      host.delivery.flush().map((m) => `${m.type}:${m.seq}`),
      ['init:2'],
    );
  });
});

describe('Ising webview store', () => {
  it('asks for one resync per lost message', () => {
    const host = new Host();
    const store = new IsingStore({ logX: true, scaled: true });
    host.add(1);
    for (const m of host.delivery.ready()) store.apply(m);
    host.add(2);
    host.delivery.flush();
    host.add(3);
    const [third] = host.delivery.flush();
    assert.equal(store.apply(third).kind, 'gap');
    assert.equal(store.apply(host.scatterReply(3)[0]).kind, 'ignored');
    assert.deepEqual(epochs(store), [1]);
    for (const m of host.delivery.ready()) assert.equal(store.apply(m).kind, 'reset');
    assert.deepEqual(epochs(store), [1, 2, 3]);
  });

  it('ignores messages of another run', () => {
    const host = new Host();
    const store = new IsingStore({ logX: true, scaled: true });
    for (const m of host.delivery.ready()) store.apply(m);
    const other: IsingHostMessage = { type: 'scatter', seq: 2, runId: 'other', scatter: scatter(5) };
    assert.equal(store.apply(other).kind, 'ignored');
    assert.equal(store.scatter, null);
  });

  it('shows the selected checkpoint while it exists, else the latest', () => {
    const host = new Host();
    const store = new IsingStore({ logX: true, scaled: true });
    host.add(0);
    host.add(50);
    host.add(100);
    for (const m of host.delivery.ready()) store.apply(m);
    assert.equal(store.shownEpoch(null), 100);
    assert.equal(store.shownEpoch(50), 50);
    assert.equal(store.shownEpoch(75), 100);
    assert.equal(new IsingStore({ logX: true, scaled: true }).shownEpoch(null), null);
  });
});
