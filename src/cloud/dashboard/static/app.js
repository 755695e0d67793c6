// The page's entry: picks the view from the path (/device/<id>) or the hash (#/device/<id>, #/models).

import { onConnection, report } from './api.js';
import { $, setText } from './dom.js';
import { DeviceView } from './device-view.js';
import { FleetView } from './fleet-view.js';
import { ModelsView } from './models-view.js';

const views = {
  fleet: new FleetView($('#fleet-view')),
  device: new DeviceView($('#device-view')),
  models: new ModelsView($('#models-view')),
};

function target() {
  const path = /^\/device\/([^/]+)$/.exec(location.pathname);
  const hash = /^#\/device\/([^/]+)$/.exec(location.hash);
  const encoded = hash?.[1] ?? (location.hash === '' || location.hash === '#/' ? path?.[1] : undefined);
  if (encoded !== undefined) {
    try {
      return { view: 'device', id: decodeURIComponent(encoded) };
    } catch {
      return { view: 'fleet' };
    }
  }
  return { view: location.hash === '#/models' ? 'models' : 'fleet' };
}

function route() {
  const next = target();
  // Every view is hidden first (each hide is idempotent), which also covers the first call.
  for (const view of Object.values(views)) view.hide();
  report(next.view === 'models' ? 'idle' : 'connecting');
  if (next.view === 'device') views.device.show(next.id);
  else views[next.view].show();
  document.title = next.view === 'device' ? `${next.id} · Lookout` : 'Lookout';
  for (const link of document.querySelectorAll('[data-nav]')) link.classList.toggle('active', link.dataset.nav === next.view);
}

const connection = $('#connection');
onConnection((state) => {
  connection.dataset.state = state;
  setText(connection, { live: 'live', reconnecting: 'reconnecting…', connecting: 'connecting…', idle: '' }[state] ?? state);
});

window.addEventListener('hashchange', route);
route();
