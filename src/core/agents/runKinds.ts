// Plain names of a run's outcome and origin, in a module of their own: the memory panel's protocol
// (type-checked for the browser, without Node) imports them.

/**
 * passed: the change is offered as verified, with its evidence (proven, or no regressions only);
 * failed: it broke a check, left a target failing, or changed nothing; unverified: no check could
 * verify it; budget-exceeded: the tokens or cost ran out first.
 */
export type SolveStatus = 'passed' | 'failed' | 'unverified' | 'budget-exceeded';

/** user: a person's task; replay / evolution: the product measuring itself on past commits or failures. */
export type RunOrigin = 'user' | 'replay' | 'evolution';
