// A share link that carries a whole experiment design: ?tab=experiments&design=v1.<payload>[&data=URL,URL].
// The payload is the design's JSON, deflated, with the first 4 bytes of its sha256 appended, in
// base64url: short (a three-arm design is a few hundred characters) and checked, so a link that was
// cut or changed says so instead of running something else. The design itself is then checked by
// the caller (checkDesign), which names what is wrong with it.
import { deflateSync, inflateSync, strFromU8, strToU8 } from 'fflate'
import { sha256Hex } from '../data/sha256.ts'

export const DESIGN_PARAM = 'design'
export const SHARE_TAB = 'experiments'
const VERSION = 'v1.'
const CHECK_BYTES = 4

export class ShareLinkError extends Error {
  override name = 'ShareLinkError'
}

function toBase64Url(bytes: Uint8Array): string {
  let bin = ''
  for (const b of bytes) bin += String.fromCharCode(b)
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

function fromBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new ShareLinkError('the design in the link is damaged: it has characters a link does not produce')
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4)
  let bin: string
  try {
    bin = atob(b64)
  } catch {
    throw new ShareLinkError('the design in the link is damaged: it is cut short')
  }
  return Uint8Array.from(bin, (c) => c.charCodeAt(0))
}

function checkBytes(json: string): Uint8Array {
  return Uint8Array.from(sha256Hex(strToU8(json)).slice(0, 2 * CHECK_BYTES).match(/../g)!, (h) => parseInt(h, 16))
}

/** The design as the link's `design` value. */
export function encodeDesign(design: unknown): string {
  const json = JSON.stringify(design)
  const packed = deflateSync(strToU8(json), { level: 9 })
  const out = new Uint8Array(packed.length + CHECK_BYTES)
  out.set(packed)
  out.set(checkBytes(json), packed.length)
  return VERSION + toBase64Url(out)
}

/** The design a link's `design` value carries (unchecked JSON); ShareLinkError says what is wrong. */
export function decodeDesign(value: string): unknown {
  if (!value.startsWith(VERSION)) throw new ShareLinkError(`the link's design is not in a format this lab reads (it should start with "${VERSION}")`)
  const bytes = fromBase64Url(value.slice(VERSION.length))
  if (bytes.length <= CHECK_BYTES) throw new ShareLinkError('the design in the link is damaged: it is cut short')
  let json: string
  try {
    json = strFromU8(inflateSync(bytes.subarray(0, bytes.length - CHECK_BYTES)))
  } catch {
    throw new ShareLinkError('the design in the link is damaged: it does not unpack')
  }
  const want = checkBytes(json)
  if (!want.every((b, i) => b === bytes[bytes.length - CHECK_BYTES + i]))
    throw new ShareLinkError('the design in the link is damaged: its checksum does not match (was the link cut or edited?)')
  try {
    return JSON.parse(json)
  } catch {
    throw new ShareLinkError('the design in the link is damaged: it is not JSON')
  }
}

/** The experiment's link on top of `base` (the app's address): only the tab, the design and the data URLs. */
export function designUrl(base: string | URL, o: { design: unknown; dataUrls: readonly string[] }): string {
  const url = new URL(base)
  url.search = ''
  url.hash = ''
  url.searchParams.set('tab', SHARE_TAB)
  if (o.dataUrls.length) url.searchParams.set('data', o.dataUrls.join(','))
  url.searchParams.set(DESIGN_PARAM, encodeDesign(o.design))
  return url.href
}

export interface SharedDesign {
  /** the decoded design JSON, or null when the link is damaged */
  design: unknown
  dataUrls: string[]
  /** why the design could not be read, in plain words */
  error: string | null
}

/** What an address carries; null when it has no design. */
export function readDesignUrl(href: string | URL): SharedDesign | null {
  const q = new URL(href).searchParams
  const value = q.get(DESIGN_PARAM)
  if (value === null) return null
  const dataUrls = q.getAll('data').flatMap((d) => d.split(',')).map((d) => d.trim()).filter(Boolean)
  try {
    return { design: decodeDesign(value), dataUrls, error: null }
  } catch (e) {
    if (e instanceof ShareLinkError) return { design: null, dataUrls, error: e.message }
    throw e
  }
}
