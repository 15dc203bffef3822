import { after, before, beforeEach } from 'node:test';
import { ScriptedModelServer } from './scriptedModelServer.ts';

/**
 * One scripted server for the whole test file: started before its tests, reset before each,
 * closed after. `started` receives it (the file keeps it in a variable of its own).
 */
export function scriptedServerForFile(started: (server: ScriptedModelServer) => void): void {
  let server: ScriptedModelServer | undefined;
  before(async () => {
    server = await ScriptedModelServer.start();
    started(server);
  });
  after(() => server?.close());
  beforeEach(() => server?.reset());
}
