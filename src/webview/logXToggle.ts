import { Toggle } from './toggle';

/** The "log x" checkbox of the toolbar. */
export class LogXToggle extends Toggle {
  constructor(parent: HTMLElement, checked: boolean, onChange: (logX: boolean) => void) {
    super(parent, { id: 'log-x', label: 'Log x', title: 'Plot epochs on a logarithmic axis (epoch 0 at the left edge)' }, checked, onChange);
  }
}
