/**
 * A structural model of a source file (classes, methods, functions, statement blocks) in seven languages.
 * Commits edit the model, then re-render it, so diffs are small and localized like real ones.
 */
import type { Rng } from './prng.ts';
import type { Domain } from './vocabulary.ts';
import { ADJECTIVES, GENERIC_NOUNS, PROPS, VERBS, camel, capitalize, gerund, kebab, pascal, plural, snake, thirdPerson, upperSnake } from './vocabulary.ts';

export type Lang = 'ts' | 'tsx' | 'js' | 'py' | 'go' | 'rs' | 'java';

export interface Param {
  name: string;
  type: string;
}

export interface Unit {
  name: string;
  /** Verb and nouns the name was built from; messages talk about them. */
  words: string[];
  params: Param[];
  ret: string;
  isAsync: boolean;
  doc: string;
  /** Statement blocks; a leading tab is one nesting level below the body. */
  body: string[][];
  tail: string[];
  isPrivate: boolean;
  /** React component (TSX) rather than a plain function. */
  component: boolean;
}

export interface ClassUnit {
  name: string;
  doc: string;
  fields: string[];
  methods: Unit[];
}

export interface CodeFile {
  kind: 'code';
  lang: Lang;
  domain: string;
  /** Package / module name where the language needs one. */
  module: string;
  imports: string[];
  consts: string[];
  decls: string[][];
  classes: ClassUnit[];
  functions: Unit[];
  /** Path of the file under test, for test files. */
  testOf?: string;
}

const INDENT: Record<Lang, string> = { ts: '  ', tsx: '  ', js: '  ', py: '    ', go: '\t', rs: '    ', java: '    ' };
const isJsLike = (lang: Lang): boolean => lang === 'ts' || lang === 'tsx' || lang === 'js';

/** Variable names: snake_case in Python and Rust, camelCase elsewhere. */
export function varName(lang: Lang, ws: string[]): string {
  return lang === 'py' || lang === 'rs' ? snake(ws) : camel(ws);
}

/** Function and method names; Go exports with a capital. */
export function fnName(lang: Lang, ws: string[], exported = true): string {
  if (lang === 'py' || lang === 'rs') return snake(ws);
  if (lang === 'go') return exported ? pascal(ws) : camel(ws);
  return camel(ws);
}

function propName(lang: Lang, prop: string): string {
  if (lang === 'py' || lang === 'rs') return snake(prop.replace(/([A-Z])/g, ' $1').toLowerCase().split(' '));
  if (lang === 'go') return prop === 'id' ? 'ID' : capitalize(prop);
  return prop;
}

const NAME_SUFFIXES = [['batch'], ['by', 'id'], ['if', 'needed'], ['safely'], ['all'], ['for', 'tenant'], ['in', 'place'], ['async'], ['once']];
const VAR_ADJECTIVES = ['pending', 'active', 'cached', 'next', 'previous', 'filtered', 'resolved', 'existing', 'current', 'remaining', 'expired', 'stale', 'new', 'matching'];
const VAR_SUFFIXES = ['count', 'ids', 'map', 'list', 'key', 'result', 'index', 'total', 'set'];

export type BlockKind = 'decl' | 'guard' | 'loop' | 'log' | 'metric' | 'compute' | 'tryCatch' | 'assign';

/** Emits statement blocks for one function body, tracking the names in scope. */
export class BodyGen {
  readonly locals: string[] = [];

  constructor(
    readonly lang: Lang,
    readonly rng: Rng,
    readonly domain: Domain,
    readonly scope: { params: string[]; fields: string[]; self: string | null; consts: string[]; ret: string; isAsync: boolean; className: string },
  ) {}

  private noun(): string {
    return this.rng.pick(this.domain.nouns);
  }

  private newVar(): string {
    const taken = (n: string): boolean => this.locals.includes(n) || this.scope.params.includes(n) || ['default', 'new', 'type', 'match', 'range', 'package', 'import', 'context', 'self', 'this'].includes(n);
    let name = '';
    for (let attempt = 0; attempt < 8 && (name === '' || taken(name)); attempt++) {
      const r = this.rng.next();
      const ws = r < 0.35 ? [this.noun()] : r < 0.55 ? [this.rng.pick(GENERIC_NOUNS)] : r < 0.8 ? [this.rng.pick(VAR_ADJECTIVES), this.noun()] : [this.noun(), this.rng.pick(VAR_SUFFIXES)];
      name = varName(this.lang, ws);
    }
    if (taken(name)) name = varName(this.lang, [this.rng.pick(VAR_ADJECTIVES), this.noun(), this.rng.pick(VAR_SUFFIXES)]);
    this.locals.push(name);
    return name;
  }

  private anyVar(): string {
    const pool = [...this.locals, ...this.scope.params.filter((p) => p !== 'ctx')];
    if (pool.length > 0) return this.rng.pick(pool);
    // Nothing in scope yet: read state the object holds rather than an undeclared name.
    if (this.scope.self !== null && this.scope.fields.length > 0) {
      const field = this.rng.pick(this.scope.fields);
      return this.lang === 'py' ? `self._${field}` : this.lang === 'java' ? field : `${this.scope.self}.${field}`;
    }
    return this.newVarDeclaredElsewhere();
  }

  /** A module-level name (constant or default instance) for functions with nothing in scope. */
  private newVarDeclaredElsewhere(): string {
    if (this.scope.consts.length > 0 && this.rng.chance(0.5)) return this.rng.pick(this.scope.consts);
    const ws = ['default', this.noun(), 'config'];
    return this.lang === 'py' || this.lang === 'rs' || this.lang === 'java' ? snake(ws).toUpperCase() : camel(ws);
  }

  private receiver(): string {
    const { self, fields } = this.scope;
    if (self !== null && fields.length > 0 && this.rng.chance(0.7)) {
      const field = this.rng.pick(fields);
      if (this.lang === 'py') return `self._${field}`;
      if (this.lang === 'java') return field;
      return `${self}.${field}`;
    }
    return this.anyVar();
  }

  private method(): string {
    return fnName(this.lang, [this.rng.pick(VERBS), this.noun()]);
  }

  private prop(): string {
    return propName(this.lang, this.rng.pick(PROPS));
  }

  private constant(): string {
    return this.scope.consts.length > 0 ? this.rng.pick(this.scope.consts) : String(this.rng.pick([16, 32, 64, 100, 250, 1000, 5000]));
  }

  private logger(): string {
    if (this.lang === 'py') return 'logger';
    if (this.lang === 'java') return 'LOG';
    if (this.lang === 'go') return this.scope.self !== null ? `${this.scope.self}.logger` : 'slog';
    return this.scope.self !== null && isJsLike(this.lang) ? `${this.scope.self}.logger` : 'logger';
  }

  /** One statement block, of the given kind or a random one. */
  block(forced?: BlockKind): string[] {
    const kind = forced ?? this.rng.weighted({ decl: 5, guard: 3, loop: 2, log: 1.5, metric: 1, compute: 3, tryCatch: 1, assign: 1.5 });
    switch (this.lang) {
      case 'py':
        return this.pyBlock(kind);
      case 'go':
        return this.goBlock(kind);
      case 'rs':
        return this.rsBlock(kind);
      case 'java':
        return this.javaBlock(kind);
      default:
        return this.jsBlock(kind);
    }
  }

  private jsBlock(kind: string): string[] {
    const noun = this.noun();
    const verb = this.rng.pick(VERBS);
    const aw = this.scope.isAsync && this.rng.chance(0.6) ? 'await ' : '';
    switch (kind) {
      case 'decl': {
        const recv = this.receiver();
        const args = this.rng.chance(0.3) ? '' : this.anyVar();
        const v = this.newVar();
        return [`const ${v} = ${aw}${recv}.${this.method()}(${args});`];
      }
      case 'guard': {
        const v = this.anyVar();
        if (this.rng.chance(0.5)) return [`if (!${v}) {`, `\treturn ${this.scope.ret === 'void' || this.scope.ret === '' ? '' : 'undefined'};`.replace(' ;', ';'), '}'];
        return [`if (${v}.length === 0) {`, `\tthrow new ${pascal([this.domain.name])}Error(\`${noun} must not be empty\`);`, '}'];
      }
      case 'loop': {
        const coll = this.anyVar();
        const it = varName(this.lang, [noun]);
        const acc = this.newVar();
        const p = this.prop();
        const inner = this.rng.pick([
          [`\tif (${it}.${p} === undefined) continue;`, `\t${acc}.push(${it});`],
          [`\t${acc}.push(${it}.${p});`],
          [`\tif (${acc}.length >= ${this.constant()}) break;`, `\t${acc}.push(${it});`],
        ]);
        return [`const ${acc}${this.lang === 'js' ? '' : ': unknown[]'} = [];`, `for (const ${it} of ${coll}) {`, ...inner, '}'];
      }
      case 'log':
        return [`${this.logger()}.debug('${gerund(verb)} ${noun}', { ${this.anyVar()} });`];
      case 'metric':
        return [`${this.scope.self !== null ? `${this.scope.self}.` : ''}metrics.increment('${this.domain.name}.${noun}.${verb}');`];
      case 'compute': {
        const v = this.anyVar();
        const it = varName(this.lang, [noun.slice(0, 1)]);
        const p = this.prop();
        return [this.rng.pick([
          `const ${this.newVar()} = ${v}.filter((${it}) => ${it}.${p} !== undefined);`,
          `const ${this.newVar()} = Math.min(${v}.length, ${this.constant()});`,
          `const ${this.newVar()} = ${v}.map((${it}) => ${it}.${p});`,
          `const ${this.newVar()} = Date.now() - ${v}.${p};`,
          `const ${this.newVar()} = new Set(${v}.map((${it}) => ${it}.${p}));`,
        ])];
      }
      case 'tryCatch':
        return ['try {', `\t${aw}${this.receiver()}.${this.method()}(${this.anyVar()});`, '} catch (err) {', `\t${this.logger()}.warn('failed to ${verb} ${noun}', err);`, '\tthrow err;', '}'];
      default: {
        const v = this.anyVar();
        if (this.scope.self !== null && this.scope.fields.length > 0) return [`${this.scope.self}.${this.rng.pick(this.scope.fields)}.set(${v}.${this.prop()}, ${v});`];
        return [`${v}.${this.prop()} = ${this.constant()};`];
      }
    }
  }

  private pyBlock(kind: string): string[] {
    const noun = this.noun();
    const verb = this.rng.pick(VERBS);
    const aw = this.scope.isAsync && this.rng.chance(0.6) ? 'await ' : '';
    switch (kind) {
      case 'decl': {
        const recv = this.receiver();
        const args = this.rng.chance(0.3) ? '' : this.anyVar();
        return [`${this.newVar()} = ${aw}${recv}.${this.method()}(${args})`];
      }
      case 'guard': {
        const v = this.anyVar();
        if (this.rng.chance(0.5)) return [`if not ${v}:`, '\treturn None'];
        return [`if len(${v}) == 0:`, `\traise ${pascal([this.domain.name])}Error(f"${noun} must not be empty")`];
      }
      case 'loop': {
        const coll = this.anyVar();
        const acc = this.newVar();
        const p = this.prop();
        const inner = this.rng.pick([
          [`\tif ${noun}.${p} is None:`, '\t\tcontinue', `\t${acc}.append(${noun})`],
          [`\t${acc}.append(${noun}.${p})`],
          [`\tif len(${acc}) >= ${this.constant()}:`, '\t\tbreak', `\t${acc}.append(${noun})`],
        ]);
        return [`${acc} = []`, `for ${noun} in ${coll}:`, ...inner];
      }
      case 'log':
        return [`logger.debug("${gerund(verb)} ${noun} %s", ${this.anyVar()})`];
      case 'metric':
        return [`${this.scope.self !== null ? 'self._' : ''}metrics.increment("${this.domain.name}.${noun}.${verb}")`];
      case 'compute': {
        const v = this.anyVar();
        const p = this.prop();
        return [this.rng.pick([
          `${this.newVar()} = [x for x in ${v} if x.${p} is not None]`,
          `${this.newVar()} = min(len(${v}), ${this.constant()})`,
          `${this.newVar()} = sum(x.${p} for x in ${v})`,
          `${this.newVar()} = time.monotonic() - ${v}.${p}`,
          `${this.newVar()} = {x.${p}: x for x in ${v}}`,
        ])];
      }
      case 'tryCatch':
        return ['try:', `\t${aw}${this.receiver()}.${this.method()}(${this.anyVar()})`, `except ${pascal([this.domain.name])}Error as exc:`, `\tlogger.warning("failed to ${verb} ${noun}: %s", exc)`, '\traise'];
      default: {
        const v = this.anyVar();
        if (this.scope.self !== null && this.scope.fields.length > 0) return [`self._${this.rng.pick(this.scope.fields)}[${v}.${this.prop()}] = ${v}`];
        return [`${v}.${this.prop()} = ${this.constant()}`];
      }
    }
  }

  private goZero(): string {
    return this.scope.ret.startsWith('(') ? 'nil, ' : '';
  }

  private goBlock(kind: string): string[] {
    const noun = this.noun();
    const verb = this.rng.pick(VERBS);
    const zero = this.goZero();
    const ctx = this.scope.params.includes('ctx') ? 'ctx, ' : '';
    switch (kind) {
      case 'decl': {
        const recv = this.receiver();
        const arg = this.anyVar();
        const v = this.newVar();
        if (this.rng.chance(0.6)) {
          return [`${v}, err := ${recv}.${this.method()}(${ctx}${arg})`, 'if err != nil {', `\treturn ${zero}fmt.Errorf("${verb} ${noun}: %w", err)`, '}'];
        }
        return [`${v} := ${recv}.${this.method()}(${arg})`];
      }
      case 'guard': {
        const v = this.anyVar();
        if (this.rng.chance(0.5)) return [`if ${v} == nil {`, `\treturn ${zero}Err${pascal([noun])}NotFound`, '}'];
        return [`if len(${v}) == 0 {`, `\treturn ${zero}errors.New("${noun} must not be empty")`, '}'];
      }
      case 'loop': {
        const coll = this.anyVar();
        const acc = this.newVar();
        const it = varName('go', [noun]);
        const p = this.prop();
        const inner = this.rng.pick([
          [`\tif ${it}.${p} == "" {`, '\t\tcontinue', '\t}', `\t${acc} = append(${acc}, ${it})`],
          [`\t${acc} = append(${acc}, ${it}.${p})`],
          [`\tif len(${acc}) >= ${this.constant()} {`, '\t\tbreak', '\t}', `\t${acc} = append(${acc}, ${it})`],
        ]);
        return [`${acc} := make([]*${pascal([noun])}, 0, len(${coll}))`, `for _, ${it} := range ${coll} {`, ...inner, '}'];
      }
      case 'log':
        return [`${this.logger()}.Debug("${gerund(verb)} ${noun}", "${noun}", ${this.anyVar()})`];
      case 'metric':
        return [`${this.scope.self ?? 'defaultRegistry'}.metrics.Inc("${this.domain.name}_${noun}_${verb}_total")`];
      case 'compute': {
        const v = this.anyVar();
        return [this.rng.pick([
          `${this.newVar()} := min(len(${v}), ${this.constant()})`,
          `${this.newVar()} := time.Since(${v}.${this.prop()})`,
          `${this.newVar()} := strings.TrimSpace(${v}.${this.prop()})`,
          `${this.newVar()} := len(${v}) > ${this.constant()}`,
        ])];
      }
      case 'tryCatch':
        return this.scope.self !== null ? [`${this.scope.self}.mu.Lock()`, `defer ${this.scope.self}.mu.Unlock()`] : [`${this.newVar()} := time.Now()`];
      default: {
        const v = this.anyVar();
        if (this.scope.self !== null && this.scope.fields.length > 0) return [`${this.scope.self}.${this.rng.pick(this.scope.fields)}[${v}.ID] = ${v}`];
        return [`${v}.${this.prop()} = ${this.constant()}`];
      }
    }
  }

  private rsBlock(kind: string): string[] {
    const noun = this.noun();
    const verb = this.rng.pick(VERBS);
    switch (kind) {
      case 'decl': {
        const recv = this.receiver();
        const arg = this.anyVar();
        return [`let ${this.newVar()} = ${recv}.${this.method()}(&${arg})${this.rng.chance(0.5) ? '?' : ''};`];
      }
      case 'guard': {
        const v = this.anyVar();
        if (this.rng.chance(0.5)) return [`if ${v}.is_empty() {`, `\treturn Err(Error::Invalid${pascal([noun])}(format!("${noun} must not be empty")));`, '}'];
        return [`let Some(${this.newVar()}) = ${v} else {`, `\treturn ${this.scope.ret.includes('Option') ? 'Ok(None)' : `Err(Error::${pascal([noun])}NotFound)`};`, '};'];
      }
      case 'loop': {
        const coll = this.anyVar();
        const acc = this.newVar();
        const p = this.prop();
        const inner = this.rng.pick([
          [`\tif ${noun}.${p}.is_none() {`, '\t\tcontinue;', '\t}', `\t${acc}.push(${noun}.clone());`],
          [`\t${acc}.push(${noun}.${p}.clone());`],
          [`\tif ${acc}.len() >= ${this.constant()} {`, '\t\tbreak;', '\t}', `\t${acc}.push(${noun}.clone());`],
        ]);
        return [`let mut ${acc} = Vec::new();`, `for ${noun} in ${coll}.iter() {`, ...inner, '}'];
      }
      case 'log':
        return [`tracing::debug!(${noun} = ?${this.anyVar()}, "${gerund(verb)} ${noun}");`];
      case 'metric':
        return [`metrics::counter!("${this.domain.name}.${noun}.${verb}").increment(1);`];
      case 'compute': {
        const v = this.anyVar();
        const p = this.prop();
        return [this.rng.pick([
          `let ${this.newVar()}: Vec<_> = ${v}.iter().filter(|x| x.${p}.is_some()).collect();`,
          `let ${this.newVar()} = ${v}.len().min(${this.constant()});`,
          `let ${this.newVar()}: usize = ${v}.iter().map(|x| x.${p}).sum();`,
          `let ${this.newVar()} = ${v}.${p}.elapsed();`,
        ])];
      }
      case 'tryCatch':
        return [`let ${this.newVar()} = match ${this.receiver()}.${this.method()}(&${this.anyVar()}) {`, '\tOk(value) => value,', '\tErr(err) => {', `\t\ttracing::warn!(error = %err, "failed to ${verb} ${noun}");`, '\t\treturn Err(err.into());', '\t}', '};'];
      default: {
        const v = this.anyVar();
        if (this.scope.self !== null && this.scope.fields.length > 0) return [`self.${this.rng.pick(this.scope.fields)}.insert(${v}.id.clone(), ${v}.clone());`];
        return [`${v}.${this.prop()} = ${this.constant()};`];
      }
    }
  }

  private javaBlock(kind: string): string[] {
    const noun = this.noun();
    const verb = this.rng.pick(VERBS);
    const getter = (): string => `get${capitalize(this.rng.pick(PROPS))}()`;
    switch (kind) {
      case 'decl': {
        const recv = this.receiver();
        const args = this.rng.chance(0.3) ? '' : this.anyVar();
        return [`var ${this.newVar()} = ${recv}.${this.method()}(${args});`];
      }
      case 'guard': {
        const v = this.anyVar();
        if (this.rng.chance(0.5)) return [`if (${v} == null) {`, `\treturn ${this.scope.ret === 'void' ? '' : this.scope.ret === 'boolean' ? 'false' : this.scope.ret.startsWith('Optional') ? 'Optional.empty()' : 'null'};`.replace(' ;', ';'), '}'];
        return [`if (${v}.isEmpty()) {`, `\tthrow new IllegalArgumentException("${noun} must not be empty");`, '}'];
      }
      case 'loop': {
        const coll = this.anyVar();
        const acc = this.newVar();
        const g = getter();
        const inner = this.rng.pick([
          [`\tif (${noun}.${g} == null) {`, '\t\tcontinue;', '\t}', `\t${acc}.add(${noun});`],
          [`\t${acc}.add(${noun}.${g});`],
          [`\tif (${acc}.size() >= ${this.constant()}) {`, '\t\tbreak;', '\t}', `\t${acc}.add(${noun});`],
        ]);
        return [`var ${acc} = new ArrayList<${pascal([noun])}>();`, `for (var ${noun} : ${coll}) {`, ...inner, '}'];
      }
      case 'log':
        return [`LOG.debug("${gerund(verb)} ${noun} {}", ${this.anyVar()});`];
      case 'metric':
        return [`metrics.counter("${this.domain.name}.${noun}.${verb}").increment();`];
      case 'compute': {
        const v = this.anyVar();
        const g = getter();
        return [this.rng.pick([
          `var ${this.newVar()} = ${v}.stream().filter(x -> x.${g} != null).toList();`,
          `var ${this.newVar()} = Math.min(${v}.size(), ${this.constant()});`,
          `var ${this.newVar()} = Duration.between(${v}.getCreatedAt(), Instant.now());`,
          `var ${this.newVar()} = ${v}.stream().collect(Collectors.groupingBy(x -> x.${g}));`,
        ])];
      }
      case 'tryCatch':
        return ['try {', `\t${this.receiver()}.${this.method()}(${this.anyVar()});`, `} catch (${pascal([this.domain.name])}Exception e) {`, `\tLOG.warn("failed to ${verb} ${noun}", e);`, '\tthrow e;', '}'];
      default: {
        const v = this.anyVar();
        if (this.scope.fields.length > 0) return [`${this.rng.pick(this.scope.fields)}.put(${v}.getId(), ${v});`];
        return [`${v}.set${capitalize(this.rng.pick(PROPS))}(${this.constant()});`];
      }
    }
  }

  /** The closing statement that produces the function's result. */
  tail(): string[] {
    const { ret } = this.scope;
    const v = this.anyVar();
    switch (this.lang) {
      case 'py':
        if (ret === 'None') return [];
        return [ret === 'bool' ? `return ${v} is not None` : `return ${v}`];
      case 'go':
        if (ret === 'error') return ['return nil'];
        return [`return ${v}, nil`];
      case 'rs':
        if (ret.includes('()')) return ['Ok(())'];
        return ret.includes('Option') ? [`Ok(Some(${v}))`] : [`Ok(${v})`];
      case 'java':
        if (ret === 'void') return [];
        if (ret === 'boolean') return [`return ${v} != null;`];
        return ret.startsWith('Optional') ? [`return Optional.ofNullable(${v});`] : [`return ${v};`];
      default:
        if (ret === 'void' || ret === 'Promise<void>' || ret === '') return [];
        if (ret === 'boolean') return [`return ${v} !== undefined;`];
        return [`return ${v};`];
    }
  }

  /** Hooks, derived values and handlers of a React component. */
  componentBlock(): string[] {
    const noun = this.noun();
    const v = varName('tsx', [this.rng.pick(ADJECTIVES), noun]);
    const kind = this.rng.weighted({ state: 3, effect: 2, memo: 2, handler: 3 });
    const stateVars = this.locals.filter((l) => !l.startsWith('handle') && !l.startsWith('visible'));
    if (kind === 'state' || stateVars.length === 0) {
      if (this.locals.includes(v)) return [`const ${v}Count = ${v}.length;`];
      this.locals.push(v);
      return [`const [${v}, set${capitalize(v)}] = useState<${pascal([noun])}[]>([]);`];
    }
    if (kind === 'effect') {
      const recv = this.rng.pick(this.scope.params.filter((p) => !p.startsWith('on')));
      const target = this.rng.pick(stateVars);
      return ['useEffect(() => {', `\tif (!${recv}) return;`, `\tvoid ${this.domain.name}Api.${this.method()}(${recv}).then(set${capitalize(target)});`, `}, [${recv}]);`];
    }
    if (kind === 'memo') {
      const src = this.rng.pick(stateVars);
      const name = varName('tsx', ['visible', src.replace(/^[a-z]+(?=[A-Z])/, '').toLowerCase() || noun]);
      if (this.locals.includes(name)) return [`const ${name}Total = ${name}.length;`];
      this.locals.push(name);
      return [`const ${name} = useMemo(`, `\t() => ${src}.filter((x) => x.${this.prop()} !== undefined),`, `\t[${src}],`, ');'];
    }
    const handler = `handle${pascal([this.rng.pick(VERBS), noun])}`;
    if (this.locals.includes(handler)) return [`const ${varName('tsx', [noun, 'label'])} = t('${this.domain.name}.${noun}.label');`];
    const arg = this.rng.pick(stateVars);
    const callback = this.rng.pick(['onChange', 'onSelect']);
    this.locals.push(handler);
    return [`const ${handler} = useCallback(() => {`, `\t${callback}?.(${arg});`, `}, [${arg}, ${callback}]);`];
  }

  componentTail(component: string): string[] {
    const noun = this.noun();
    const list = this.locals.find((l) => l.startsWith('visible')) ?? this.locals.find((l) => !l.startsWith('handle')) ?? this.scope.params[0] ?? 'items';
    const handler = this.locals.find((l) => l.startsWith('handle')) ?? 'onSelect';
    return [
      'return (',
      `\t<section className="${kebab([this.domain.name, noun])}">`,
      `\t\t<h2>{t('${this.domain.name}.${noun}.title')}</h2>`,
      `\t\t{${list}.map((item) => (`,
      `\t\t\t<${component}Row key={item.id} ${noun}={item} onSelect={${handler}} />`,
      '\t\t))}',
      `\t\t<button type="button" onClick={${handler}}>`,
      "\t\t\t{t('common.save')}",
      '\t\t</button>',
      '\t</section>',
      ');',
    ];
  }
}

function paramType(lang: Lang, rng: Rng, noun: string): { type: string; nameWords: string[] } {
  const N = pascal([noun]);
  const options: [string, string[]][] = {
    ts: [[N, [noun]], ['string', [noun, 'id']], ['number', ['limit']], [`${N}[]`, [plural(noun)]], [`${N}Options`, ['options']], ['boolean', ['force']]],
    tsx: [[N, [noun]], ['string', [noun, 'id']], ['number', ['limit']], [`${N}[]`, [plural(noun)]], [`${N}Options`, ['options']], ['boolean', ['force']]],
    js: [[N, [noun]], ['string', [noun, 'id']], ['number', ['limit']], [`${N}[]`, [plural(noun)]], [`${N}Options`, ['options']], ['boolean', ['force']]],
    py: [[N, [noun]], ['str', [noun, 'id']], ['int', ['limit']], [`list[${N}]`, [plural(noun)]], [`${N}Options | None`, ['options']], ['bool', ['force']]],
    go: [[`*${N}`, [noun]], ['string', [noun, 'id']], ['int', ['limit']], [`[]*${N}`, [plural(noun)]], [`${N}Options`, ['opts']], ['bool', ['force']]],
    rs: [[`&${N}`, [noun]], ['&str', [noun, 'id']], ['usize', ['limit']], [`&[${N}]`, [plural(noun)]], [`&${N}Options`, ['options']], ['bool', ['force']]],
    java: [[N, [noun]], ['String', [noun, 'id']], ['int', ['limit']], [`List<${N}>`, [plural(noun)]], [`${N}Options`, ['options']], ['boolean', ['force']]],
  }[lang].map(([t, w]) => [t, w] as [string, string[]]);
  const [type, nameWords] = rng.pick(options);
  return { type, nameWords };
}

function returnType(lang: Lang, rng: Rng, noun: string, isAsync: boolean): string {
  const N = pascal([noun]);
  switch (lang) {
    case 'py':
      return rng.pick([`${N} | None`, `list[${N}]`, 'None', 'bool', 'int']);
    case 'go':
      return rng.pick([`(*${N}, error)`, `([]*${N}, error)`, 'error', '(bool, error)']);
    case 'rs':
      return rng.pick([`Result<Option<${N}>, Error>`, `Result<Vec<${N}>, Error>`, 'Result<(), Error>', 'Result<usize, Error>']);
    case 'java':
      return rng.pick([N, `List<${N}>`, 'void', 'boolean', `Optional<${N}>`]);
    case 'js':
      return '';
    default: {
      const r = rng.pick([`${N} | undefined`, `${N}[]`, 'void', 'boolean', 'number']);
      return isAsync ? `Promise<${r}>` : r;
    }
  }
}

export interface UnitSpec {
  lang: Lang;
  rng: Rng;
  domain: Domain;
  /** Names already used in the file, so the new one is unique. */
  taken: Set<string>;
  cls: ClassUnit | null;
  consts: string[];
  /** Statement blocks to aim for. */
  size: number;
  words?: string[];
}

function selfName(lang: Lang, cls: ClassUnit | null): string | null {
  if (cls === null) return null;
  if (lang === 'py' || lang === 'rs') return 'self';
  if (lang === 'go') return cls.name[0]!.toLowerCase();
  return 'this';
}

export function fieldNames(lang: Lang, cls: ClassUnit | null): string[] {
  if (cls === null) return [];
  const out: string[] = [];
  for (const line of cls.fields) {
    const m = lang === 'py' ? /self\._(\w+)/.exec(line) : lang === 'go' || lang === 'rs' ? /^\t?(\w+)[: ]/.exec(line) : /(?:private|readonly|final)\s+(?:readonly\s+)?(?:[\w<>, ?]+\s+)?(\w+)\s*[=;:]/.exec(line);
    if (m?.[1] && m[1] !== 'mu' && m[1] !== 'LOG') out.push(m[1]);
  }
  return out;
}

/** Generates a new function or method. */
export function makeUnit(spec: UnitSpec): Unit {
  const { lang, rng, domain, cls } = spec;
  const noun = rng.pick(domain.nouns);
  let ws = spec.words ?? (rng.chance(0.25) ? [rng.pick(VERBS), rng.pick(ADJECTIVES), noun] : [rng.pick(VERBS), noun]);
  const exported = cls !== null || rng.chance(0.6);
  let name = fnName(lang, ws, exported);
  for (let i = 0; spec.taken.has(name); i++) {
    if (i < 4) ws = [rng.pick(VERBS), rng.pick(domain.nouns)];
    else if (i < 12) ws = [rng.pick(VERBS), rng.pick(domain.nouns), ...rng.pick(NAME_SUFFIXES)];
    else ws = [rng.pick(VERBS), rng.pick(ADJECTIVES), rng.pick(domain.nouns), ...rng.pick(NAME_SUFFIXES)];
    name = fnName(lang, ws, exported);
  }
  spec.taken.add(name);
  const isAsync = (lang === 'ts' || lang === 'js' || lang === 'py') && rng.chance(0.3);
  const params: Param[] = [];
  if (lang === 'go' && rng.chance(0.6)) params.push({ name: 'ctx', type: 'context.Context' });
  for (let i = rng.int(0, 3); i > 0; i--) {
    const { type, nameWords } = paramType(lang, rng, rng.chance(0.6) ? noun : rng.pick(domain.nouns));
    const pname = varName(lang, nameWords);
    if (!params.some((p) => p.name === pname)) params.push({ name: pname, type });
  }
  const ret = returnType(lang, rng, noun, isAsync);
  const gen = new BodyGen(lang, rng, domain, { params: params.map((p) => p.name), fields: fieldNames(lang, cls), self: selfName(lang, cls), consts: spec.consts, ret, isAsync, className: cls?.name ?? '' });
  const body: string[][] = [];
  for (let i = 0; i < spec.size; i++) body.push(gen.block());
  const adj = rng.pick(ADJECTIVES);
  const doc = `${capitalize(thirdPerson(ws[0] ?? 'handle'))} the ${ws.slice(1).join(' ')}${rng.chance(0.4) ? `, skipping ${adj} ${plural(rng.pick(domain.nouns))}` : ''}.`;
  return { name, words: ws, params, ret, isAsync, doc, body, tail: gen.tail(), isPrivate: cls !== null && rng.chance(0.15), component: false };
}

/** Generates a React function component. */
export function makeComponent(rng: Rng, domain: Domain, name: string, size: number): Unit {
  const noun = rng.pick(domain.nouns);
  const props = [varName('tsx', [noun]), varName('tsx', [noun, 'id']), 'onChange', 'onSelect'];
  const gen = new BodyGen('tsx', rng, domain, { params: props, fields: [], self: null, consts: [], ret: '', isAsync: false, className: name });
  const body: string[][] = [["const { t } = useTranslation();"]];
  for (let i = 0; i < size; i++) body.push(gen.componentBlock());
  return { name, words: [noun, 'view'], params: props.map((p) => ({ name: p, type: '' })), ret: '', isAsync: false, doc: `Shows the ${plural(noun)} of the ${domain.name} area.`, body, tail: gen.componentTail(name), isPrivate: false, component: true };
}

/** A fresh statement block for an existing unit, with the unit's names in scope. */
export function freshBlock(file: CodeFile, cls: ClassUnit | null, unit: Unit, rng: Rng, domain: Domain, kind?: BlockKind, at = unit.body.length): string[] {
  const gen = new BodyGen(file.lang, rng, domain, { params: unit.params.map((p) => p.name), fields: fieldNames(file.lang, cls), self: selfName(file.lang, cls), consts: constNames(file), ret: unit.ret, isAsync: unit.isAsync, className: cls?.name ?? '' });
  // Borrow names declared earlier in the body so the new block reads as part of it.
  for (const block of unit.body.slice(0, at)) {
    for (const line of block) {
      const m = /^(?:const|let|var)\s+(?:mut\s+)?(\w+)|^(\w+)\s*:?=\s/.exec(line);
      const name = m?.[1] ?? m?.[2];
      if (name) gen.locals.push(name);
    }
  }
  return unit.component ? gen.componentBlock() : gen.block(kind);
}

export function constNames(file: CodeFile): string[] {
  return file.consts.map((c) => /([A-Za-z_][A-Za-z0-9_]*)\s*(?::[^=]+)?=/.exec(c.replace(/^(export\s+)?(const|private static final \w+|pub const)\s+/, ''))?.[1] ?? '').filter(Boolean);
}

export function makeConst(lang: Lang, rng: Rng, domain: Domain): string {
  const ws = ['default', rng.pick(domain.nouns), rng.pick(['limit', 'timeout', 'ttl', 'batch', 'retries', 'size'])];
  const value = ws[2] === 'timeout' || ws[2] === 'ttl' ? rng.pick([500, 1000, 3000, 5000, 30000, 60000]) : rng.pick([3, 5, 10, 25, 50, 100, 200, 1000]);
  switch (lang) {
    case 'py':
      return `${upperSnake(ws)} = ${value}`;
    case 'go':
      return `const ${camel(ws)} = ${value}`;
    case 'rs':
      return `pub const ${upperSnake(ws)}: u64 = ${value};`;
    case 'java':
      return `private static final int ${upperSnake(ws)} = ${value};`;
    case 'js':
      return `const ${upperSnake(ws)} = ${value};`;
    default:
      return `export const ${upperSnake(ws)} = ${value};`;
  }
}

export function makeDecl(lang: Lang, rng: Rng, noun: string): string[] {
  const N = pascal([noun]);
  const props = rng.sample(PROPS, rng.int(2, 5));
  switch (lang) {
    case 'py':
      return ['@dataclass(frozen=True)', `class ${N}Options:`, ...props.map((p) => `\t${propName('py', p)}: ${p.endsWith('At') ? 'datetime | None = None' : p === 'size' || p === 'total' || p === 'weight' ? 'int = 0' : 'str = ""'}`)];
    case 'go':
      return [`// ${N}Options tunes how ${plural(noun)} are handled.`, `type ${N}Options struct {`, ...props.map((p) => `\t${propName('go', p)} ${p.endsWith('At') ? 'time.Time' : p === 'size' || p === 'total' || p === 'weight' ? 'int' : 'string'}`), '}'];
    case 'rs':
      return ['#[derive(Debug, Clone, Default)]', `pub struct ${N}Options {`, ...props.map((p) => `\tpub ${propName('rs', p)}: ${p.endsWith('At') ? 'Option<SystemTime>' : p === 'size' || p === 'total' || p === 'weight' ? 'usize' : 'String'},`), '}'];
    case 'java':
      return [`record ${N}Options(${props.map((p) => `${p.endsWith('At') ? 'Instant' : p === 'size' || p === 'total' || p === 'weight' ? 'int' : 'String'} ${p}`).join(', ')}) {}`];
    case 'js':
      return ['/**', ` * @typedef {object} ${N}Options`, ...props.map((p) => ` * @property {${p.endsWith('At') ? 'Date' : p === 'size' || p === 'total' || p === 'weight' ? 'number' : 'string'}} [${p}]`), ' */'];
    default:
      return [`export interface ${N}Options {`, ...props.map((p) => `\treadonly ${p}?: ${p.endsWith('At') ? 'Date' : p === 'size' || p === 'total' || p === 'weight' ? 'number' : 'string'};`), '}'];
  }
}

function classFields(lang: Lang, rng: Rng, domain: Domain, cls: string): string[] {
  const deps = rng.sample(domain.nouns, rng.int(1, 3)).map((n) => ({ n, N: pascal([n]) }));
  switch (lang) {
    case 'py':
      return [`def __init__(self, ${deps.map((d) => `${d.n}_store: ${d.N}Store`).join(', ')}, metrics: Metrics) -> None:`, ...deps.map((d) => `\tself._${d.n}_store = ${d.n}_store`), '\tself._metrics = metrics', `\tself._${plural(deps[0]!.n)}: dict[str, ${deps[0]!.N}] = {}`];
    case 'go':
      return ['\tmu      sync.Mutex', ...deps.map((d) => `\t${d.n}Store ${d.N}Store`), `\t${plural(deps[0]!.n)} map[string]*${deps[0]!.N}`, '\tlogger *slog.Logger', '\tmetrics *Registry'];
    case 'rs':
      return [...deps.map((d) => `\t${d.n}_store: Arc<dyn ${d.N}Store>,`), `\t${plural(deps[0]!.n)}: HashMap<String, ${deps[0]!.N}>,`];
    case 'java':
      return [`private static final Logger LOG = LoggerFactory.getLogger(${cls}.class);`, '', ...deps.map((d) => `private final ${d.N}Repository ${d.n}Repository;`), `private final Map<String, ${deps[0]!.N}> ${plural(deps[0]!.n)} = new ConcurrentHashMap<>();`, 'private final MeterRegistry metrics;', '', `public ${cls}(${deps.map((d) => `${d.N}Repository ${d.n}Repository`).join(', ')}, MeterRegistry metrics) {`, ...deps.map((d) => `\tthis.${d.n}Repository = ${d.n}Repository;`), '\tthis.metrics = metrics;', '}'];
    case 'js':
      return [`constructor(${deps.map((d) => `${d.n}Store`).join(', ')}, { logger, metrics } = {}) {`, ...deps.map((d) => `\tthis.${d.n}Store = ${d.n}Store;`), `\tthis.${plural(deps[0]!.n)} = new Map();`, '\tthis.logger = logger ?? console;', '\tthis.metrics = metrics;', '}'];
    default:
      return [`private readonly ${plural(deps[0]!.n)} = new Map<string, ${deps[0]!.N}>();`, '', 'constructor(', ...deps.map((d) => `\tprivate readonly ${d.n}Store: ${d.N}Store,`), '\tprivate readonly logger: Logger,', '\tprivate readonly metrics: Metrics,', ') {}'];
  }
}

function moduleImports(lang: Lang, rng: Rng, domain: Domain, siblings: string[]): string[] {
  // Import the main type of each sibling module, so module dependencies look real.
  const sib = siblings.slice(0, 3);
  const typeOf = (module: string): string => pascal(module.split(/[_-]|(?=[A-Z])/).map((w) => w.toLowerCase()));
  switch (lang) {
    case 'py':
      return ['from __future__ import annotations', '', 'import logging', 'import time', 'from dataclasses import dataclass', 'from datetime import datetime', '', `from acme.common.metrics import Metrics`, `from acme.${domain.name}.errors import ${pascal([domain.name])}Error`, ...sib.map((s) => `from acme.${domain.name}.${s} import ${typeOf(s)}`)];
    case 'go':
      return ['import (', '\t"context"', '\t"errors"', '\t"fmt"', '\t"log/slog"', '\t"strings"', '\t"sync"', '\t"time"', '', `\t"github.com/acme/platform/internal/${rng.pick(['platform', 'observability', 'storage'])}"`, ')'];
    case 'rs':
      return ['use std::collections::HashMap;', 'use std::sync::Arc;', 'use std::time::SystemTime;', '', 'use crate::error::Error;', ...sib.map((s) => `use crate::${s}::${typeOf(s)};`)];
    case 'java':
      return ['import java.time.Duration;', 'import java.time.Instant;', 'import java.util.ArrayList;', 'import java.util.List;', 'import java.util.Map;', 'import java.util.Optional;', 'import java.util.concurrent.ConcurrentHashMap;', 'import java.util.stream.Collectors;', '', 'import io.micrometer.core.instrument.MeterRegistry;', 'import org.slf4j.Logger;', 'import org.slf4j.LoggerFactory;'];
    case 'js':
      return [`import { metrics } from '../metrics/registry.js';`, ...sib.map((s) => `import { ${typeOf(s)} } from './${s}.js';`)];
    case 'tsx':
      return ["import { useCallback, useEffect, useMemo, useState } from 'react';", "import { useTranslation } from 'react-i18next';", '', `import { ${domain.name}Api } from '../../api/${domain.name}';`, `import type { ${pascal([rng.pick(domain.nouns)])} } from '@acme/${domain.name}';`];
    default:
      return [`import type { Logger } from '@acme/logging';`, `import type { Metrics } from '@acme/metrics';`, '', `import { ${pascal([domain.name])}Error } from './errors.ts';`, ...sib.map((s) => `import type { ${typeOf(s)} } from './${s}.ts';`)];
  }
}

/** Builds a new source file around a class (or, for utility modules, only functions). */
export function makeSourceFile(opts: { lang: Lang; rng: Rng; domain: Domain; baseWords: string[]; utility: boolean; targetLines: number; module: string; siblings: string[] }): CodeFile {
  const { lang, rng, domain, baseWords } = opts;
  const file: CodeFile = { kind: 'code', lang, domain: domain.name, module: opts.module, imports: moduleImports(lang, rng, domain, opts.siblings), consts: [], decls: [], classes: [], functions: [] };
  for (let i = rng.int(0, 3); i > 0; i--) file.consts.push(makeConst(lang, rng, domain));
  file.consts = [...new Set(file.consts)];
  if (rng.chance(0.6)) file.decls.push(makeDecl(lang, rng, baseWords[0] ?? rng.pick(domain.nouns)));
  const taken = new Set<string>();
  if (lang === 'tsx') {
    const name = pascal(baseWords);
    file.functions.push(makeComponent(rng, domain, name, rng.int(3, 8)));
    while (renderCode(file, '').split('\n').length < opts.targetLines) {
      file.functions.push(makeUnit({ lang, rng, domain, taken, cls: null, consts: constNames(file), size: rng.int(1, 5) }));
    }
    return file;
  }
  let cls: ClassUnit | null = null;
  if (!opts.utility || lang === 'java') {
    const name = pascal(baseWords);
    cls = { name, doc: `${capitalize(baseWords.join(' '))} for the ${domain.name} area.`, fields: opts.utility ? [] : classFields(lang, rng, domain, name), methods: [] };
    file.classes.push(cls);
  }
  let lines = renderCode(file, '').split('\n').length;
  while (lines < opts.targetLines) {
    const owner = cls && (lang === 'java' || cls.methods.length < 3 || rng.chance(0.75)) ? cls : null;
    const unit = makeUnit({ lang, rng, domain, taken, cls: owner, consts: constNames(file), size: rng.int(1, 7) });
    if (owner) owner.methods.push(unit);
    else file.functions.push(unit);
    lines = renderCode(file, '').split('\n').length;
  }
  return file;
}

function indentLines(lines: string[], base: string, unit: string): string[] {
  return lines.map((line) => {
    if (line === '') return '';
    const depth = /^\t*/.exec(line)![0].length;
    return base + unit.repeat(depth) + line.slice(depth);
  });
}

function renderParams(lang: Lang, params: Param[]): string {
  switch (lang) {
    case 'js':
      return params.map((p) => p.name).join(', ');
    case 'go':
      return params.map((p) => `${p.name} ${p.type}`).join(', ');
    case 'java':
      return params.map((p) => `${p.type} ${p.name}`).join(', ');
    case 'tsx':
      return params.map((p) => (p.type ? `${p.name}: ${p.type}` : p.name)).join(', ');
    default:
      return params.map((p) => `${p.name}: ${p.type}`).join(', ');
  }
}

function renderUnit(lang: Lang, unit: Unit, cls: ClassUnit | null, base: string): string[] {
  const ind = INDENT[lang];
  const inner = [...unit.body.flat(), ...unit.tail];
  const bodyLines = indentLines(inner, base + ind, ind);
  const params = renderParams(lang, unit.params);
  switch (lang) {
    case 'py': {
      const self = cls ? (params ? 'self, ' : 'self') : '';
      const head = `${base}${unit.isAsync ? 'async ' : ''}def ${unit.isPrivate ? '_' : ''}${unit.name}(${self}${params}) -> ${unit.ret}:`;
      return [head, `${base}${ind}"""${unit.doc}"""`, ...(inner.length > 0 ? bodyLines : [`${base}${ind}pass`])];
    }
    case 'go': {
      const recv = cls ? `(${cls.name[0]!.toLowerCase()} *${cls.name}) ` : '';
      return [`// ${unit.name} ${unit.doc.charAt(0).toLowerCase()}${unit.doc.slice(1)}`, `func ${recv}${unit.name}(${params}) ${unit.ret} {`, ...bodyLines, '}'];
    }
    case 'rs': {
      const self = cls ? (params ? '&mut self, ' : '&self') : '';
      return [`${base}/// ${unit.doc}`, `${base}${unit.isPrivate ? '' : 'pub '}fn ${unit.name}(${self}${params}) -> ${unit.ret} {`, ...bodyLines, `${base}}`];
    }
    case 'java': {
      const mods = `${unit.isPrivate ? 'private' : 'public'}${cls === null ? ' static' : ''}`;
      return [`${base}/** ${unit.doc} */`, `${base}${mods} ${unit.ret} ${unit.name}(${params}) {`, ...bodyLines, `${base}}`];
    }
    default: {
      if (unit.component) {
        const props = unit.params.map((p) => p.name).join(', ');
        return [`/** ${unit.doc} */`, `export function ${unit.name}({ ${props} }: ${unit.name}Props) {`, ...bodyLines, '}'];
      }
      const ret = lang === 'js' || !unit.ret ? '' : `: ${unit.ret}`;
      const asyncKw = unit.isAsync ? 'async ' : '';
      if (cls) return [`${base}/** ${unit.doc} */`, `${base}${unit.isPrivate && lang !== 'js' ? 'private ' : ''}${asyncKw}${unit.name}(${params})${ret} {`, ...bodyLines, `${base}}`];
      return [`/** ${unit.doc} */`, `export ${asyncKw}function ${unit.name}(${params})${ret} {`, ...bodyLines, '}'];
    }
  }
}

function joinSections(sections: string[][], blank = 1): string {
  return `${sections.filter((s) => s.length > 0).map((s) => s.join('\n')).join('\n'.repeat(blank + 1))}\n`;
}

/** gofmt aligns struct field types in a column. */
function alignGoFields(lines: string[]): string[] {
  const rows = lines.map((l) => /^\t(\w+)\s+(.+)$/.exec(l));
  const width = Math.max(0, ...rows.map((m) => m?.[1]?.length ?? 0));
  return lines.map((l, i) => {
    const m = rows[i];
    return m ? `\t${m[1]!.padEnd(width)} ${m[2]}` : l;
  });
}

/** Renders a source or test file. `path` only feeds header comments. */
export function renderCode(file: CodeFile, path: string): string {
  if (file.testOf !== undefined) return renderTest(file);
  const { lang } = file;
  const ind = INDENT[lang];
  const sections: string[][] = [];
  if (lang === 'go') sections.push([`// Package ${file.module} implements the ${file.domain} service.`, `package ${file.module}`]);
  if (lang === 'java') sections.push([`package com.acme.${file.domain};`]);
  if (lang === 'py') sections.push([`"""${capitalize(file.domain)}: ${path.split('/').pop()?.replace(/\.py$/, '').replace(/_/g, ' ') ?? ''}."""`]);
  if (file.imports.length > 0) sections.push(file.imports.map((l) => l.replace(/^\t/, ind)));
  if (lang === 'py') sections.push(['logger = logging.getLogger(__name__)']);
  if (lang !== 'java' && file.consts.length > 0) sections.push(file.consts);
  for (const decl of file.decls) sections.push(indentLines(lang === 'go' ? alignGoFields(decl) : decl, '', ind));
  if (lang === 'tsx' && file.functions[0]?.component) {
    const c = file.functions[0];
    sections.push([`export interface ${c.name}Props {`, ...c.params.map((p) => `${ind}readonly ${p.name}${p.name.startsWith('on') ? '?: (value: unknown) => void' : ': string'};`), '}']);
  }
  for (const cls of file.classes) {
    if (lang === 'go') {
      sections.push([`// ${cls.name} ${cls.doc.charAt(0).toLowerCase()}${cls.doc.slice(1)}`, `type ${cls.name} struct {`, ...alignGoFields(cls.fields), '}']);
      for (const m of cls.methods) sections.push(renderUnit(lang, m, cls, ''));
      continue;
    }
    if (lang === 'rs') {
      sections.push([`/// ${cls.doc}`, `pub struct ${cls.name} {`, ...indentLines(cls.fields, '', ind), '}']);
      const methods = cls.methods.map((m) => renderUnit(lang, m, cls, ind).join('\n'));
      sections.push([`impl ${cls.name} {`, methods.join('\n\n'), '}']);
      continue;
    }
    const parts: string[][] = [];
    if (lang === 'java' && file.consts.length > 0) parts.push(file.consts.map((c) => ind + c));
    if (cls.fields.length > 0) parts.push(indentLines(cls.fields, ind, ind));
    for (const m of cls.methods) parts.push(renderUnit(lang, m, cls, ind));
    if (lang === 'java') for (const f of file.functions) parts.push(renderUnit(lang, f, null, ind));
    const open = lang === 'py' ? `class ${cls.name}:` : lang === 'java' ? `public class ${cls.name} {` : `export class ${cls.name} {`;
    const doc = lang === 'py' ? [`${ind}"""${cls.doc}"""`] : [];
    const head = lang === 'py' ? [open, ...doc] : [`/** ${cls.doc} */`, open];
    sections.push([...head, parts.map((p) => p.join('\n')).join('\n\n'), ...(lang === 'py' ? [] : ['}'])]);
  }
  if (lang !== 'java') for (const f of file.functions) sections.push(renderUnit(lang, f, null, ''));
  return joinSections(sections, lang === 'py' ? 2 : 1);
}

/** Test files keep one suite (classes[0]) whose methods are the test cases. */
export function makeTestFile(subject: CodeFile, subjectPath: string, rng: Rng, domain: Domain, cases: number): CodeFile {
  const suite = subject.classes[0]?.name ?? subject.functions[0]?.name ?? pascal([domain.name]);
  const file: CodeFile = { kind: 'code', lang: subject.lang, domain: subject.domain, module: subject.module, imports: [], consts: [], decls: [], classes: [{ name: suite, doc: '', fields: [], methods: [] }], functions: [], testOf: subjectPath };
  for (let i = 0; i < cases; i++) addTestCase(file, subject, rng, domain);
  return file;
}

function subjectUnits(subject: CodeFile): { unit: Unit; cls: ClassUnit | null }[] {
  return [...subject.classes.flatMap((cls) => cls.methods.filter((m) => !m.isPrivate).map((unit) => ({ unit, cls }))), ...subject.functions.map((unit) => ({ unit, cls: null }))];
}

/** Adds a test case for one of the subject's functions and returns it. */
export function addTestCase(test: CodeFile, subject: CodeFile, rng: Rng, domain: Domain, target?: Unit): Unit {
  const suite = test.classes[0]!;
  const candidates = subjectUnits(subject);
  const chosen = target ? { unit: target, cls: subject.classes.find((c) => c.methods.includes(target)) ?? null } : candidates.length > 0 ? rng.pick(candidates) : null;
  const lang = test.lang;
  const fn = chosen?.unit.name ?? 'run';
  const adj = rng.pick(ADJECTIVES);
  const noun = rng.pick(domain.nouns);
  const outcome = rng.pick(['returns nothing for', 'rejects', 'handles', 'keeps order of', 'deduplicates', 'caches', 'retries on']);
  const phrase = [...outcome.split(' '), adj, noun];
  const base = chosen?.cls?.name ?? '';
  const inst = varName(lang, [chosen?.cls ? chosen.cls.name.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`).trim().split(' ').pop() ?? 'subject' : 'subject']);
  const owner = subject.classes[0]?.name ?? '';
  // Java keeps free functions as static methods of the file's class.
  const call = chosen?.cls ? `${inst}.${fn}` : lang === 'java' ? `${owner}.${fn}` : fn;
  if (chosen && !chosen.cls && fn !== suite.name && !test.imports.includes(fn)) test.imports.push(fn);
  const style = lang === 'tsx' && !chosen?.unit.component ? 'ts' : lang;
  const arg = lang === 'py' || lang === 'rs' ? snake(['sample', noun]) : camel(['sample', noun]);
  let name: string;
  let body: string[][];
  switch (style) {
    case 'py':
      name = snake(['test', ...fn.split('_'), ...phrase]);
      body = [[...(chosen?.cls ? [`${inst} = ${base}(FakeStore(), FakeMetrics())`] : [])], [`${arg} = make_${noun}(${rng.pick(PROPS).replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}=${rng.chance(0.5) ? 'None' : rng.int(0, 99)})`], rng.chance(0.3) ? [`with pytest.raises(${pascal([domain.name])}Error):`, `\t${call}(${arg})`] : [`result = ${call}(${arg})`, `assert result ${rng.pick(['is None', '== []', `== ${arg}`, 'is not None'])}`]];
      break;
    case 'go':
      name = `Test${base}${base ? '_' : ''}${fn}${pascal(phrase.slice(-2))}`;
      body = [[...(chosen?.cls ? [`${inst} := New${base}(newFakeStore(), nil)`] : [])], [`${arg} := &${pascal([noun])}{ID: "${noun}-${rng.int(1, 99)}"}`], [`got, err := ${call}(context.Background(), ${arg})`, 'if err != nil {', `\tt.Fatalf("${fn}: unexpected error: %v", err)`, '}'], [`if got == nil {`, `\tt.Errorf("${fn}(%v) = nil, want ${noun}", ${arg})`, '}']];
      break;
    case 'rs':
      name = snake([...fn.split('_'), ...phrase]);
      body = [[...(chosen?.cls ? [`let mut ${inst} = ${base}::new(Arc::new(FakeStore::default()));`] : [])], [`let ${arg} = ${pascal([noun])}::fixture("${noun}-${rng.int(1, 99)}");`], [`let result = ${call}(&${arg});`, rng.chance(0.3) ? 'assert!(result.is_err());' : `assert_eq!(result.unwrap(), ${rng.pick(['None', 'vec![]', `Some(${arg})`])});`]];
      break;
    case 'java':
      name = camel([...fn.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`).split(' '), ...phrase]);
      body = [[...(chosen?.cls ? [`var ${inst} = new ${base}(new InMemory${pascal([noun])}Repository(), new SimpleMeterRegistry());`] : [])], [`var ${arg} = Fixtures.${camel([noun])}("${noun}-${rng.int(1, 99)}");`], rng.chance(0.3) ? [`assertThrows(IllegalArgumentException.class, () -> ${call}(null));`] : [`var result = ${call}(${arg});`, `assert${rng.pick(['Equals(' + arg + ', result)', 'Null(result)', 'True(result != null)'])};`]];
      break;
    case 'tsx':
      name = `${fn} ${phrase.join(' ')}`;
      body = [[`render(<${fn} ${camel([noun])}="${noun}-${rng.int(1, 99)}" onChange={vi.fn()} />);`], [`fireEvent.click(screen.getByRole('button', { name: /save/i }));`], [`expect(screen.getByText(/${noun}/i)).toBeInTheDocument();`]];
      break;
    default: {
      name = `${fn} ${phrase.join(' ')}`;
      const aw = chosen?.unit.isAsync ? 'await ' : '';
      body = [[...(chosen?.cls ? [`const ${inst} = new ${base}(fakeStore(), fakeLogger(), fakeMetrics());`] : [])], [`const ${arg} = make${pascal([noun])}({ ${rng.pick(PROPS)}: ${rng.chance(0.5) ? 'undefined' : rng.int(0, 99)} });`], rng.chance(0.3) ? [`${aw ? 'await expect(' : 'expect(() => '}${call}(${arg}))${aw ? '.rejects' : ''}.toThrow(${pascal([domain.name])}Error);`] : [`const result = ${aw}${call}(${arg});`, `expect(result).${rng.pick(['toBeUndefined()', 'toEqual([])', `toEqual(${arg})`, 'toHaveLength(1)'])};`]];
    }
  }
  const unit: Unit = { name, words: phrase, params: [], ret: '', isAsync: lang !== 'py' && lang !== 'go' && lang !== 'rs' && lang !== 'java' && body.flat().some((l) => l.includes('await ')), doc: name, body: body.filter((b) => b.length > 0), tail: [], isPrivate: false, component: false };
  if (suite.methods.some((m) => m.name === unit.name)) unit.name += ` (${suite.methods.length + 1})`;
  suite.methods.push(unit);
  return unit;
}

function renderTest(file: CodeFile): string {
  const { lang } = file;
  const ind = INDENT[lang];
  const suite = file.classes[0]!;
  const subject = (file.testOf ?? '').split('/').pop() ?? '';
  const cases = (render: (u: Unit) => string[]): string[][] => suite.methods.map(render);
  switch (lang) {
    case 'py':
      return joinSections([['import pytest', '', `from acme.${file.domain}.${subject.replace(/\.py$/, '')} import ${[suite.name, ...file.imports].join(', ')}`, `from acme.${file.domain}.errors import ${pascal([file.domain])}Error`, 'from tests.fakes import FakeMetrics, FakeStore, make_fixture'], ...cases((u) => [`def ${u.name}():`, ...indentLines(u.body.flat(), ind, ind)])], 2);
    case 'go':
      return joinSections([[`package ${file.module}`], ['import (', `${ind}"context"`, `${ind}"testing"`, ')'], ...cases((u) => [`func ${u.name.replace(/\W/g, '')}(t *testing.T) {`, ...indentLines(u.body.flat(), ind, ind), '}'])]);
    case 'rs':
      return joinSections([[`use ${file.domain}::${subject.replace(/\.rs$/, '')}::*;`, 'use std::sync::Arc;'], ...cases((u) => ['#[test]', `fn ${u.name.replace(/\W/g, '_')}() {`, ...indentLines(u.body.flat(), ind, ind), '}'])]);
    case 'java':
      return joinSections([[`package com.acme.${file.domain};`], ['import static org.junit.jupiter.api.Assertions.*;', '', 'import io.micrometer.core.instrument.simple.SimpleMeterRegistry;', 'import org.junit.jupiter.api.Test;'], [`class ${suite.name}Test {`, suite.methods.map((u) => [`${ind}@Test`, `${ind}void ${u.name.replace(/\W/g, '')}() {`, ...indentLines(u.body.flat(), ind + ind, ind), `${ind}}`].join('\n')).join('\n\n'), '}']]);
    default: {
      const ext = lang === 'js' ? '.js' : lang === 'tsx' ? '' : '.ts';
      const head = lang === 'tsx'
        ? ["import { fireEvent, render, screen } from '@testing-library/react';", "import { describe, expect, it, vi } from 'vitest';", '', `import { ${[suite.name, ...file.imports].join(', ')} } from './${subject.replace(/\.tsx$/, '')}';`]
        : ["import { describe, expect, it } from 'vitest';", '', `import { ${[suite.name, ...file.imports].join(', ')} } from './${subject.replace(/\.(test\.)?[jt]sx?$/, '')}${ext}';`, `import { fakeLogger, fakeMetrics, fakeStore } from '../../../test/fakes${ext}';`];
      const its = suite.methods.map((u) => [`${ind}it('${u.name.replace(/'/g, '')}', ${u.isAsync ? 'async ' : ''}() => {`, ...indentLines(u.body.flat(), ind + ind, ind), `${ind}});`].join('\n'));
      return joinSections([head, [`describe('${suite.name}', () => {`, its.join('\n\n'), '});']]);
    }
  }
}

/** All units of a file, with their class. */
export function allUnits(file: CodeFile): { unit: Unit; cls: ClassUnit | null }[] {
  return [...file.classes.flatMap((cls) => cls.methods.map((unit) => ({ unit, cls }))), ...file.functions.map((unit) => ({ unit, cls: null }))];
}

/** Replaces an identifier everywhere in a file (whole words only); returns whether anything changed. */
export function replaceIdentifier(file: CodeFile, from: string, to: string): boolean {
  const re = new RegExp(`\\b${from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`, 'g');
  let changed = false;
  const sub = (s: string): string => {
    const next = s.replace(re, to);
    if (next !== s) changed = true;
    return next;
  };
  file.imports = file.imports.map(sub);
  file.consts = file.consts.map(sub);
  file.decls = file.decls.map((d) => d.map(sub));
  for (const { unit } of allUnits(file)) {
    unit.name = sub(unit.name);
    unit.body = unit.body.map((b) => b.map(sub));
    unit.tail = unit.tail.map(sub);
  }
  for (const cls of file.classes) {
    cls.name = sub(cls.name);
    cls.fields = cls.fields.map(sub);
  }
  return changed;
}
