// `npm start`: install what is missing, build, serve the app on localhost and print its URL.
import { ensureNodeModules, run } from './setup.mjs'

ensureNodeModules()
if (run('npx', ['vite', 'build', '--logLevel', 'warn']) !== 0) process.exit(1)
const port = process.env.PORT ?? '4173'
process.stdout.write(`\nvmaf-tiny-lab: open http://localhost:${port}/ and click "Load demo corpus".\n\n`)
process.exit(run('npx', ['vite', 'preview', '--port', port, '--strictPort']))
