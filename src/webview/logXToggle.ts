import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import type { VscodeCheckbox } from '@vscode-elements/elements/dist/vscode-checkbox/vscode-checkbox.js';

/** The "log x" checkbox of the toolbar, a `vscode-checkbox` from @vscode-elements/elements. */
export class LogXToggle {
  private readonly checkbox: VscodeCheckbox;

  constructor(parent: HTMLElement, checked: boolean, onChange: (logX: boolean) => void) {
    this.checkbox = document.createElement('vscode-checkbox');
    this.checkbox.label = 'Log x';
    this.checkbox.checked = checked;
    this.checkbox.title = 'Plot epochs on a logarithmic axis (epoch 0 at the left edge)';
    this.checkbox.id = 'log-x';
    this.checkbox.addEventListener('change', () => onChange(this.checkbox.checked));
    parent.append(this.checkbox);
  }

  set checked(value: boolean) {
    this.checkbox.checked = value;
  }
}
