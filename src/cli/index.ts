import { loadConfig } from '../core/config.js';
import { serve } from '../server.js';

export async function main(argv: string[]): Promise<number> {
  const cmd = argv[2] ?? 'serve';
  if (cmd === 'serve') {
    await serve(loadConfig());
    return 0;
  }
  return 2;
}
