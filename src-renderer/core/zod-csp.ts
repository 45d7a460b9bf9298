import { config } from 'zod';

// The page's CSP forbids eval; without this zod probes `new Function` and the browser logs a violation.
config({ jitless: true });
