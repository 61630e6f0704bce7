// The entry point of the npm package `ayo-tickets`. napi's generated loader (binding.js) finds
// the addon: `./ayo-tickets.<platform>.node` beside it (a source build) or the platform package
// `ayo-tickets-<platform>` that npm installed as an optional dependency. Where neither exists,
// this says so plainly instead of napi's generic message. Each export is named, so that
// `import { Tickets } from 'ayo-tickets'` works from ESM (a test checks the list is whole).
'use strict'

/** The platform name napi gives this machine's addon, e.g. `linux-x64-gnu`. */
function platformName() {
  const { platform, arch } = process
  if (platform === 'linux') {
    const glibc = process.report && process.report.getReport().header.glibcVersionRuntime
    return `${platform}-${arch}-${glibc ? 'gnu' : 'musl'}`
  }
  return platform === 'win32' ? `${platform}-${arch}-msvc` : `${platform}-${arch}`
}

let binding
try {
  binding = require('./binding.js')
} catch (err) {
  const name = platformName()
  const pkg = require('./package.json')
  const shipped = Object.keys(pkg.optionalDependencies || {})
  const error = new Error(
    `ayo-tickets: no native addon for this platform (${name}): neither the package ` +
      `ayo-tickets-${name} nor ./ayo-tickets.${name}.node is installed. ` +
      (shipped.length
        ? `Prebuilt addons of ${pkg.version}: ${shipped.join(', ')}; install the one that fits with ` +
          `this package, or build from source (a Rust toolchain: npm run build in ayo-node/).`
        : `Build it from source (a Rust toolchain: npm install && npm run build in ayo-node/).`),
  )
  error.code = 'ERR_AYO_NO_ADDON'
  error.cause = err
  throw error
}

module.exports = binding
module.exports.Job = binding.Job
module.exports.Tickets = binding.Tickets
module.exports.TicketsPromises = binding.TicketsPromises
module.exports.Watcher = binding.Watcher
module.exports.ProblemKind = binding.ProblemKind
module.exports.Status = binding.Status
module.exports.guide = binding.guide
