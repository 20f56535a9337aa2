import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.js';
import { loadDashboard } from './boot/load.js';
import { EngineClient } from './engine/client.js';
import { DashboardProvider } from './state.js';
import './styles.css';

/** Shows a message in place of the dashboard (loading progress, or why it could not start). */
function status(text: string, failed = false): void {
  const el = document.getElementById('boot-status');
  if (!el) return;
  el.textContent = text;
  if (failed) {
    el.setAttribute('role', 'alert');
    el.classList.add('failed');
  }
}

async function start(): Promise<void> {
  const loaded = await loadDashboard((received, total) => {
    const mb = (n: number) => (n / 1e6).toFixed(1);
    status(total ? `Loading the data (${mb(total)} MB)…` : `Loading the data… ${mb(received)} MB`);
  });
  status('Preparing the engine…');
  const client = await EngineClient.start(loaded.manifest, loaded.bytes);
  const root = createRoot(document.getElementById('root')!);
  root.render(
    <StrictMode>
      <DashboardProvider manifest={loaded.manifest} client={client}>
        <App fallbackReason={client.fallbackReason} />
      </DashboardProvider>
    </StrictMode>,
  );
  document.documentElement.dataset.engine = client.mode;
}

start().catch((e: unknown) => {
  status(e instanceof Error ? e.message : String(e), true);
  document.documentElement.dataset.failed = 'true';
});
