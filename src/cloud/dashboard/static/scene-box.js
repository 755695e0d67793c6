// The device view's "Simulated scene" box: asks a synthetic camera to render its world under other conditions
// (src/agent/camera/synthetic/domain.ts), the demo's way to make a fleet drift. The server publishes a
// set-domain command and answers 202 once the broker has it; the camera's own reply is not awaited.

import { postJson } from './api.js';
import { $, setText, show } from './dom.js';

const DOMAIN_FIELDS = ['lighting', 'background', 'appearance'];

/** `data-lighting="night"` on a button: `{ lighting: 'night' }`. */
function domainOf(button) {
  return Object.fromEntries(DOMAIN_FIELDS.filter((f) => button.dataset[f] !== undefined).map((f) => [f, button.dataset[f]]));
}

function describe(domain) {
  return Object.entries(domain).map(([field, value]) => `${field} ${value}`).join(', ');
}

export class SceneBox {
  constructor(root) {
    this.root = root;
    this.result = $('[data-field="scene-result"]', root);
    this.id = undefined;
    for (const button of root.querySelectorAll('button')) button.addEventListener('click', () => this.send(button));
  }

  show(id) {
    this.id = id;
    this.say('', '');
  }

  hide() {
    this.id = undefined;
  }

  say(text, state) {
    setText(this.result, text);
    this.result.dataset.state = state;
    show(this.result, text !== '');
  }

  send(button) {
    const id = this.id;
    if (id === undefined) return;
    const domain = domainOf(button);
    button.disabled = true;
    postJson(`/api/v1/devices/${encodeURIComponent(id)}/domain`, domain).then(
      () => { if (this.id === id) this.say(`sent: ${describe(domain)}`, 'sent'); },
      (e) => { if (this.id === id) this.say(`not sent: ${e.message}`, 'error'); },
    ).finally(() => { button.disabled = false; });
  }
}
