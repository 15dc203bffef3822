/** Progress of opening a sandbox, for a status line (and for tests that cancel at a given point). */
export type OpenStep = 'copy' | 'snapshot' | 'checkout' | 'link' | 'ready';
