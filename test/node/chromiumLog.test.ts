// describeChromiumExits on lines Chromium 156 wrote on this machine (--enable-logging
// --log-file): a browser whose GPU process was killed six times, and a quiet session.
import { expect, test } from 'vitest'
import { chromiumExits, describeChromiumExits, parseChromiumLog } from '../../src/node/chromiumLog.ts'

const QUIET = [
  '[29568:29608:1207/131516.040163:ERROR:dbus/bus.cc:405] Failed to connect to the bus: Failed to connect to socket /run/dbus/system_bus_socket: No such file or directory',
  '[29568:29568:1207/131516.234303:WARNING:ui/base/idle/idle_linux.cc:111] None of the known D-Bus ScreenSaver services could be used.',
  'Warning: vkCreateInstance failed with VK_ERROR_INCOMPATIBLE_DRIVER',
  '    at CheckVkSuccessImpl (../../third_party/dawn/src/dawn/native/vulkan/VulkanError.cpp:106)',
].join('\n')

const crash = (n: number, t: string) => [
  `[29568:29568:1207/13152${t}:ERROR:content/browser/gpu/gpu_process_host.cc:1044] GPU process exited unexpectedly: exit_code=9`,
  `[29568:29568:1207/13152${t}:WARNING:content/browser/gpu/gpu_process_host.cc:1503] The GPU process has crashed ${n} time(s)`,
]

const GOODBYE = [
  QUIET,
  ...crash(1, '4.802702'),
  '[29568:29568:1207/131524.803978:INFO:CONSOLE:0] "A valid external Instance reference no longer exists.", source: http://127.0.0.1:33995/pageApi.html (0)',
  '[29568:29568:1207/131524.829450:WARNING:content/browser/gpu/gpu_process_host.cc:1066] Reinitialized the GPU process after a crash. The reported initialization time was 19 ms',
  ...[2, 3, 4, 5, 6].flatMap((n) => crash(n, `${n + 3}.79`)),
  "[29568:29568:1207/131529.794189:FATAL:content/browser/gpu/gpu_data_manager_impl_private.cc:389] GPU process isn't usable. Goodbye.",
  '[1207/131529.800000:ERROR:third_party/crashpad/crashpad/util/file/file_io_posix.cc:145] open /sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq: No such file or directory (2)',
].join('\n')

test('the levelled lines are parsed; continuation lines are skipped', () => {
  const lines = parseChromiumLog(QUIET)
  expect(lines.map((l) => l.level)).toEqual(['ERROR', 'WARNING'])
  expect(lines[0].source).toBe('dbus/bus.cc:405')
  expect(lines[1].message).toBe('None of the known D-Bus ScreenSaver services could be used.')
})

test('six GPU process crashes and the fatal exit are counted and named', () => {
  const e = chromiumExits(GOODBYE)
  expect(e.gpuExits).toBe(6)
  expect(e.gpuExitCodes).toEqual([9, 9, 9, 9, 9, 9])
  expect(e.fatal).toEqual(["GPU process isn't usable. Goodbye. (content/browser/gpu/gpu_data_manager_impl_private.cc:389)"])
  expect(describeChromiumExits(GOODBYE)).toBe(
    "Chromium's log: its GPU process crashed 6 times (exit_code=9); Chromium then quit: GPU process isn't usable. Goodbye. (content/browser/gpu/gpu_data_manager_impl_private.cc:389)",
  )
})

test('one crash is not fatal; a log with neither says nothing', () => {
  const one = [QUIET, ...crash(1, '4.802702')].join('\n')
  expect(describeChromiumExits(one)).toBe("Chromium's log: its GPU process crashed 1 time (exit_code=9)")
  expect(describeChromiumExits(QUIET)).toBeNull()
  expect(describeChromiumExits('')).toBeNull()
})
