import { mount } from 'svelte'
import App from './ui/App.svelte'
import './ui/global.css'

export default mount(App, { target: document.getElementById('app')! })

// production builds work offline once loaded: src/offline/sw.ts caches the app and the demo corpus
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  navigator.serviceWorker.register('./sw.js').catch((e: unknown) => console.warn(`offline cache unavailable: ${e instanceof Error ? e.message : e}`))
}
