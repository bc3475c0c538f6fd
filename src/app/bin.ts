// `gonogo` from the TypeScript sources, for tests and development: `node --import tsx src/app/bin.ts lint x.md`
// (`npm run gonogo -- lint x.md`). bin/gonogo runs the build of the same main().
import { main } from './main.js';

await main(process.argv.slice(2));
