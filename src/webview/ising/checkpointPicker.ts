/**
 * The slider that picks the checkpoint of the scatter and histogram. The rightmost position follows the latest
 * checkpoint as new ones arrive; any other position stays on its epoch.
 */
export class CheckpointPicker {
  private readonly slider: HTMLInputElement;
  private readonly label: HTMLSpanElement;
  private epochs: number[] = [];

  constructor(parent: HTMLElement, onChange: (epoch: number | null) => void) {
    const root = document.createElement('label');
    root.className = 'checkpoint-picker';
    const text = document.createElement('span');
    text.textContent = 'Checkpoint';
    this.slider = document.createElement('input');
    this.slider.type = 'range';
    this.slider.id = 'checkpoint';
    this.slider.min = '0';
    this.slider.step = '1';
    this.slider.title = 'Checkpoint of the scatter and the histogram; the right end follows the latest';
    this.label = document.createElement('span');
    this.label.className = 'checkpoint-epoch';
    root.append(text, this.slider, this.label);
    parent.append(root);
    this.slider.addEventListener('input', () => {
      const index = Number(this.slider.value);
      onChange(index >= this.epochs.length - 1 ? null : this.epochs[index]);
    });
  }

  /** Sets the epochs to pick from and the one shown; `following` marks the shown epoch as the latest. */
  update(epochs: number[], shown: number | null, following: boolean): void {
    this.epochs = epochs;
    this.slider.max = String(Math.max(0, epochs.length - 1));
    this.slider.disabled = epochs.length < 2;
    const index = shown === null ? 0 : epochs.indexOf(shown);
    this.slider.value = String(Math.max(0, index));
    this.label.textContent = shown === null ? 'none yet' : `epoch ${shown}${following ? ' (latest)' : ''}`;
  }
}
