import { closestMatch } from '../../shared/suggest';
import type { KernelPreference } from '../kernels';

/** Parsed command line of `grokking-inspector`. */
export type CliCommand =
  | { kind: 'help'; requested: boolean }
  | { kind: 'version' }
  | { kind: 'train'; config: string; epochs?: number; out?: string; json: boolean; kernels: KernelPreference }
  | { kind: 'resume'; runDir: string; epochs?: number; json: boolean; kernels: KernelPreference };

export const USAGE = `Usage:
  grokking-inspector train CONFIG [--epochs N] [--out DIR] [--json] [--kernels auto|wasm|typescript]
  grokking-inspector resume RUN_DIR [--epochs N] [--json] [--kernels auto|wasm|typescript]

Trains a *.grok.yaml / *.grok.json config headless and writes a run folder that the
Grokking Inspector extension opens.

Options:
  --epochs N     train until epoch N instead of the config's "epochs"
  --out DIR      folder that receives the run folder (default: runs/ beside the config)
  --json         print the summary as one JSON object on the last line of standard output
  --kernels K    numeric kernels: auto (WebAssembly SIMD when it loads, default), wasm or typescript
  -h, --help     show this help
  --version      print the version`;

export class UsageError extends Error {}

const OPTIONS = ['--epochs', '--out', '--json', '--kernels', '--help', '--version'];

export function parseArgs(argv: readonly string[]): CliCommand {
  if (argv.length === 0) return { kind: 'help', requested: false };
  if (argv.includes('-h') || argv.includes('--help')) return { kind: 'help', requested: true };
  if (argv.includes('--version')) return { kind: 'version' };
  const [verb, ...rest] = argv;
  if (verb !== 'train' && verb !== 'resume') {
    const guess = closestMatch(verb, ['train', 'resume']);
    throw new UsageError(`Unknown command "${verb}".${guess ? ` Did you mean "${guess}"?` : ' Use "train" or "resume".'}`);
  }
  const positional: string[] = [];
  let epochs: number | undefined;
  let out: string | undefined;
  let json = false;
  let kernels: KernelPreference = 'auto';
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const value = () => {
      const v = rest[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${arg} needs a value.`);
      return v;
    };
    switch (arg) {
      case '--epochs': {
        const v = value();
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1) throw new UsageError(`--epochs ${v} is invalid: give a whole number of epochs ≥ 1.`);
        epochs = n;
        break;
      }
      case '--out':
        out = value();
        break;
      case '--json':
        json = true;
        break;
      case '--kernels': {
        const v = value();
        if (v !== 'auto' && v !== 'wasm' && v !== 'typescript') throw new UsageError(`--kernels ${v} is invalid: use auto, wasm or typescript.`);
        kernels = v;
        break;
      }
      default:
        if (arg.startsWith('-')) {
          const guess = closestMatch(arg, OPTIONS);
          throw new UsageError(`Unknown option ${arg}.${guess ? ` Did you mean ${guess}?` : ''}`);
        }
        positional.push(arg);
    }
  }
  if (positional.length !== 1) {
    throw new UsageError(verb === 'train' ? 'train needs exactly one CONFIG file.' : 'resume needs exactly one RUN_DIR.');
  }
  if (verb === 'train') return { kind: 'train', config: positional[0], epochs, out, json, kernels };
  if (out !== undefined) throw new UsageError('--out applies to train only: a resumed run stays in its folder.');
  return { kind: 'resume', runDir: positional[0], epochs, json, kernels };
}
