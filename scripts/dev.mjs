// Runs the CLI from source (through tsx), for development and for tests run with CANDOR_SOURCE=1.
import { main } from '../src/cli/main.ts';

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
