// Builds the web application into OUTDIR (the first argument): the script bundled by esbuild,
// the style sheet compiled by Sass from govuk-frontend, each under a name that carries a hash
// of its content, and index.html that names them. Every file gets Brotli and gzip copies when
// they are smaller. manifest.tsv (written last) lists them for cmake/embed_assets.cmake.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import * as sass from 'sass';

const here = dirname(fileURLToPath(import.meta.url));
const outdir = process.argv[2] ?? join(here, 'dist');
rmSync(outdir, { recursive: true, force: true });
mkdirSync(join(outdir, 'assets'), { recursive: true });

const manifest = [];

function hashed(name, ext) {
  return (content) => `/assets/${name}-${createHash('sha256').update(content).digest('hex').slice(0, 12)}.${ext}`;
}

// kind: css, js, svg or html; cmake/embed_assets.cmake names its Content-Type.
function emit(path, kind, content) {
  const file = path.replace(/^\//, '');
  writeFileSync(join(outdir, file), content);
  const row = [path, kind, file, '-', '-'];
  const gz = gzipSync(content, { level: 9 });
  if (gz.length < content.length) {
    writeFileSync(join(outdir, `${file}.gz`), gz);
    row[3] = `${file}.gz`;
  }
  const br = brotliCompressSync(content, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 11,
      [constants.BROTLI_PARAM_SIZE_HINT]: content.length,
    },
  });
  if (br.length < content.length) {
    writeFileSync(join(outdir, `${file}.br`), br);
    row[4] = `${file}.br`;
  }
  manifest.push(row.join('\t'));
  return path;
}

// The style sheet: govuk-frontend through Sass with the settings in src/app.scss.
const css = sass.compile(join(here, 'src', 'app.scss'), {
  style: 'compressed',
  loadPaths: [join(here, 'node_modules')],
  quietDeps: true,
  silenceDeprecations: ['import'],
}).css;
const cssPath = emit(hashed('app', 'css')(css), 'css', Buffer.from(css));

// The script: an ES module with Preact and htm, and chunks of their own for what only one page
// loads (the entity network's graph layout, d3-force), fetched by that page's import(). esbuild
// names each file by a hash of its content; the chunks are found beside the module.
const bundle = await esbuild.build({
  entryPoints: [join(here, 'src', 'main.js')],
  bundle: true,
  splitting: true,
  minify: true,
  format: 'esm',
  target: ['es2020'],
  outdir: join(outdir, 'assets'),
  entryNames: 'app-[hash]',
  chunkNames: 'chunk-[hash]',
  write: false,
  legalComments: 'none',
  logLevel: 'warning',
});
let jsPath;
for (const file of bundle.outputFiles) {
  const name = file.path.split(/[\\/]/).pop();
  const path = emit(`/assets/${name}`, 'js', Buffer.from(file.contents));
  if (name.startsWith('app-')) jsPath = path;
}

const icon = readFileSync(join(here, 'src', 'favicon.svg'));
const iconPath = emit(hashed('favicon', 'svg')(icon), 'svg', icon);

const page = readFileSync(join(here, 'src', 'index.html'), 'utf8')
  .replaceAll('{{css}}', cssPath)
  .replaceAll('{{js}}', jsPath)
  .replaceAll('{{icon}}', iconPath);
mkdirSync(outdir, { recursive: true });
emit('/index.html', 'html', Buffer.from(page));

writeFileSync(join(outdir, 'manifest.tsv'), manifest.join('\n') + '\n');
console.log(`web: ${manifest.length} files in ${outdir}`);
