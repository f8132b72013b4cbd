import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import type { VscodeCheckbox } from '@vscode-elements/elements/dist/vscode-checkbox/vscode-checkbox.js';

export interface ToggleOptions {
  id: string;
  label: string;
  /** Tooltip text: what the toggle changes. */
  title: string;
}

/** A toolbar checkbox, a `vscode-checkbox` from @vscode-elements/elements. */
export class Toggle {
  private readonly checkbox: VscodeCheckbox;

  constructor(parent: HTMLElement, options: ToggleOptions, checked: boolean, onChange: (checked: boolean) => void) {
    this.checkbox = document.createElement('vscode-checkbox');
    this.checkbox.label = options.label;
    this.checkbox.checked = checked;
    this.checkbox.title = options.title;
    this.checkbox.id = options.id;
    this.checkbox.addEventListener('change', () => onChange(this.checkbox.checked));
    parent.append(this.checkbox);
  }

  set checked(value: boolean) {
    this.checkbox.checked = value;
  }
}
