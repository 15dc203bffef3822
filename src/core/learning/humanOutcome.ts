// A person's decision on a solved task, in a module of its own: the memory panel's protocol
// (type-checked for the browser, without Node) imports it.
export type HumanOutcome = 'accepted' | 'edited' | 'rejected';
