import { el } from './dom.ts';
import { notify, onNotification } from './rpc.ts';

/**
 * Shown while VS Code's workspace trust says no. It states what the extension really does in
 * restricted mode: solving a task (Solve Task…, Fix with Co-evolve) and evolving skills check trust,
 * since they run the project's checks and the commands the model asks for, and so does testing the
 * model connection, which would send a stored key to the URL the workspace names; VS Code itself ignores this workspace's
 * values of the settings package.json lists under `restrictedConfigurations`.
 */
export function restrictedBanner(): HTMLElement {
  const banner = el(
    'div',
    { class: 'restricted', attrs: { role: 'status', hidden: true, id: 'restricted-banner' } },
    el('span', { class: 'codicon-like', attrs: { 'aria-hidden': 'true' } }, '⚠'),
    el(
      'div',
      { class: 'text' },
      el('strong', {}, 'Restricted Mode: this workspace is not trusted.'),
      ' You can browse, search and quarantine memory and review skills. ',
      'Solving tasks (Solve Task…, Fix with Co-evolve), evolving skills and testing the model connection stay off until you trust it: they run the project’s checks and the commands the model asks for, or send your API key to the URL this workspace configures. ',
      'This workspace’s coevolve.verify and coevolve.storePath settings are ignored; your user settings apply.',
    ),
    el('vscode-button', { attrs: { id: 'manage-trust' }, on: { click: () => notify('manageTrust', {}) } }, 'Manage Workspace Trust'),
  );
  onNotification('trust', ({ trusted }) => banner.toggleAttribute('hidden', trusted));
  return banner;
}
