// Preloaded with `node --import`: makes `import('piscina')` fail as it does where piscina is not
// installed (an installed gilscope: piscina is one of its devDependencies), with the same error code.
import { register } from 'node:module';

const hooks = `
export async function resolve(specifier, context, next) {
  if (specifier !== 'piscina') return next(specifier, context);
  const err = new Error("Cannot find package 'piscina' imported from " + context.parentURL);
  err.code = 'ERR_MODULE_NOT_FOUND';
  throw err;
}`;

register(`data:text/javascript,${encodeURIComponent(hooks)}`);
