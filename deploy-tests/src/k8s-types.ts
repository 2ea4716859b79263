import path from 'node:path';
import ts from 'typescript';
import { root, type K8sObject } from './workspace';

/**
 * Type-checks Kubernetes objects against the API types of the `kubernetes-types` package: each
 * object becomes an object literal assigned to a constant of its kind's type, so TypeScript's
 * excess-property check catches a misspelt field, and its type check a wrong type or a missing
 * required field, at any depth.
 */
export interface TypeProblem {
  object: string;
  message: string;
}

/** `networking.k8s.io/v1` -> `kubernetes-types/networking/v1`; `v1` -> `kubernetes-types/core/v1`. */
export function typesModule(apiVersion: string): string {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['core', apiVersion];
  return `kubernetes-types/${group!.split('.')[0]}/${version}`;
}

export function label(object: K8sObject): string {
  return `${object.kind} ${object.metadata.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata.name}`;
}

const parsedFiles = new Map<string, ts.SourceFile>();

export function typeCheck(objects: K8sObject[]): TypeProblem[] {
  const file = path.join(root, 'deploy-tests', 'src', '__rendered__.ts');
  const imports = new Map<string, string>();
  const lines: string[] = [];
  const starts: Array<{ line: number; object: string }> = [];
  objects.forEach((object, index) => {
    const key = `${typesModule(object.apiVersion)}#${object.kind}`;
    if (!imports.has(key)) imports.set(key, `T${imports.size}`);
    starts.push({ line: lines.length, object: label(object) });
    lines.push(
      `// ${label(object)}`,
      `export const o${index}: ${imports.get(key)} = ${JSON.stringify(object, null, 2)};`,
    );
  });
  const header = [...imports].map(([key, alias]) => {
    const [module, kind] = key.split('#');
    return `import type { ${kind} as ${alias} } from '${module}';`;
  });
  const source = [...header, ...lines].join('\n');
  const offset = header.length;

  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (name, language, ...rest) => {
    if (name === file) return ts.createSourceFile(name, source, language);
    // The declaration files (kubernetes-types, the default lib) are parsed once per test file.
    let parsed = parsedFiles.get(name);
    if (!parsed) {
      parsed = getSourceFile.call(host, name, language, ...rest);
      if (parsed) parsedFiles.set(name, parsed);
    }
    return parsed;
  };
  host.fileExists = (name) => name === file || fileExists.call(host, name);
  host.readFile = (name) => (name === file ? source : readFile.call(host, name));

  const program = ts.createProgram([file], options, host);
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    if (diagnostic.file?.fileName !== file || diagnostic.start === undefined) return { object: '(types)', message };
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    const owner = [...starts].reverse().find((start) => start.line + offset <= line);
    return {
      object: owner?.object ?? '(imports)',
      message: `line ${line - (owner ? owner.line + offset : 0)}: ${message}`,
    };
  });
}
