// The evolution gate's verdict names, in a module of their own: the memory panel's protocol
// (type-checked for the browser, without Node) imports them.
export type Verdict = 'accepted' | 'awaiting-approval' | 'rejected' | 'skipped' | 'no-decision';
