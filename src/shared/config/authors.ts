import type { Node as YamlNode } from 'yaml';
import { findField } from './fields';

/**
 * Reads the YAML configs of the code released with arXiv 2502.01739 (grokking_vs_learning) (keys such as `train_type`, `weight_multiplier`,
 * `hiddenlayers_input`, `bs`) by renaming their keys to this product's keys. Keys the product does not use are
 * reported as warnings, and settings it cannot reproduce (MSE loss, dropout, other optimisers) as errors.
 */
export interface Entry { value: unknown; node: YamlNode; keyNode: YamlNode }
export interface TranslationNote { key: string; severity: 'error' | 'warning'; message: string }

const MARKER_KEYS = ['train_type', 'hiddenlayers_input', 'weight_multiplier', 'optimiser_name'];

/** Authors' key -> product key, for values that carry over unchanged. */
const RENAMED: Record<string, string> = {
  P: 'p',
  train_fraction: 'trainFraction',
  hiddenlayers_input: 'hiddenLayers',
  weight_multiplier: 'w0',
  learning_rate: 'learningRate',
  weight_decay: 'weightDecay',
  bs: 'batchSize',
  epochs: 'epochs',
};

/** Authors' Ising keys -> product keys. */
const ISING_KEYS: Record<string, string> = { train_size: 'trainSize', test_size: 'testSize', conv_channels: 'convChannels' };

/** Keys that the product reproduces in another way, with the reason shown in their warning. */
const KNOWN_UNUSED: Record<string, string> = {
  data_seed_end: 'seed ranges run their first seed until sweeps exist',
  sgd_seed_end: 'seed ranges run their first seed until sweeps exist',
  init_seed_end: 'seed ranges run their first seed until sweeps exist',
  fisher_seed_start: 'Fisher-information analysis is not available yet',
  fisher_seed_end: 'Fisher-information analysis is not available yet',
  fisher_bs: 'Fisher-information analysis is not available yet',
  save_interval: 'checkpoints follow the `checkpoints` schedule (every epoch up to 500, then every 10)',
  archi: 'the network follows from train_type',
  cluster_arg: 'cluster settings do not apply',
  desc: 'a description only',
  save_loc_local_d: 'runs are stored in the folder set by grokkingInspector.runsDirectory',
  save_loc_cluster_d: 'cluster settings do not apply',
  root_dir: 'runs are stored in the folder set by grokkingInspector.runsDirectory',
};

export function looksLikeAuthorsConfig(entries: Map<string, Entry>): boolean {
  return MARKER_KEYS.some((k) => entries.has(k));
}

export function translateAuthorsConfig(entries: Map<string, Entry>): { entries: Map<string, Entry>; notes: TranslationNote[] } {
  const out = new Map<string, Entry>();
  const notes: TranslationNote[] = [];
  const warn = (key: string, message: string) => notes.push({ key, severity: 'warning', message });
  const error = (key: string, message: string) => notes.push({ key, severity: 'error', message });
  const retag = (entry: Entry, value: unknown): Entry => ({ ...entry, value });

  for (const [key, entry] of entries) {
    const v = entry.value;
    if (key in RENAMED) {
      out.set(RENAMED[key], entry);
      continue;
    }
    switch (key) {
      case 'train_type':
        if (v === 'Mod') out.set('task', retag(entry, 'modular-addition'));
        else if (v === 'Ising') out.set('task', retag(entry, 'ising'));
        else error(key, `train_type = ${JSON.stringify(v)} is not supported: use Mod (modular addition) or Ising.`);
        break;
      case 'optimiser_name':
        if (typeof v === 'string' && v.toLowerCase() === 'adam') out.set('optimizer', retag(entry, 'adam'));
        else error(key, `optimiser_name = ${JSON.stringify(v)} is not supported: use Adam.`);
        break;
      case 'loss_criterion':
        if (v !== 'CrossEntropy') error(key, `loss_criterion = ${JSON.stringify(v)} is not supported: use CrossEntropy.`);
        break;
      case 'activation':
        out.set('activation', retag(entry, typeof v === 'string' ? v.toLowerCase() : v));
        break;
      case 'train_size':
      case 'test_size':
      case 'conv_channels':
        // Ising settings; the authors' modular-addition configs carry them too, unused.
        if (entries.get('train_type')?.value === 'Ising') out.set(ISING_KEYS[key], entry);
        else warn(key, `${key} is not used: it applies to the Ising task only.`);
        break;
      case 'dropout_prob':
        if (v !== 0) error(key, `dropout_prob = ${JSON.stringify(v)} is not supported: the networks here have no dropout; set it to 0.`);
        break;
      case 'all_seeds_same':
        if (v !== true) warn(key, 'all_seeds_same is false: the data, init and batch-order seeds are read from data_seed_start, init_seed_start and sgd_seed_start.');
        break;
      case 'data_seed_start':
        out.set('seed', entry);
        if (entries.get('data_seed_end')?.value !== undefined) {
          const end = entries.get('data_seed_end')!.value;
          if (typeof end === 'number' && typeof v === 'number' && end - v > 1) {
            warn(key, `This config names seeds ${v} to ${end - 1}; only seed ${v} runs until sweeps are available.`);
          }
        }
        break;
      case 'init_seed_start':
        if (entries.get('all_seeds_same')?.value !== true) out.set('initSeed', entry);
        break;
      case 'sgd_seed_start':
        if (entries.get('all_seeds_same')?.value !== true) out.set('orderSeed', entry);
        break;
      default:
        if (key in KNOWN_UNUSED) warn(key, `${key} is not used: ${KNOWN_UNUSED[key]}.`);
        else if (findField([key])) out.set(key, entry);
        else warn(key, `${key} is not used by Grokking Inspector and is ignored.`);
    }
  }
  // The authors' data loader never reshuffles the training set.
  if (!out.has('batchOrder')) out.set('batchOrder', { ...(entries.values().next().value as Entry), value: 'fixed' });
  return { entries: out, notes };
}
