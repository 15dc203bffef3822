import { SymbolParser } from '../../code/symbolParser.ts';

// One parser per process for the agents' tools: loading the WebAssembly grammars is the expensive part.
let parser: Promise<SymbolParser> | undefined;

export function sharedSymbolParser(): Promise<SymbolParser> {
  parser ??= SymbolParser.create();
  return parser;
}
