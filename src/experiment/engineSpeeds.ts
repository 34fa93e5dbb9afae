// Written by `npm run bench:archs` from the result file named in `source` — do not edit by hand.
// The speeds (samples/s summed, by model count) the auto engine choice reads (engineChoice.ts).
export const MEASURED_SPEEDS = {
  "source": "bench/results/archs-2026-12-01.json",
  "measured": "2026-12-01, AMD EPYC × 2 cores, load average 7.16 → 10.9",
  "adapters": {
    "software": {
      "linear": {
        "gpu": {
          "1": 1640305,
          "9": 1980572,
          "36": 1145525
        },
        "cpu": {
          "1": 3050189,
          "9": 3700434,
          "36": 6256313
        }
      },
      "mlp_small": {
        "gpu": {
          "1": 1049790,
          "9": 1387971,
          "36": 1621455
        },
        "cpu": {
          "1": 2096255,
          "9": 2646080,
          "36": 6336539
        }
      },
      "mlp_medium": {
        "gpu": {
          "1": 63712,
          "9": 66247,
          "36": 85912
        },
        "cpu": {
          "1": 942564,
          "9": 939520,
          "36": 806040
        }
      },
      "mlp_large": {
        "gpu": {
          "1": 50986,
          "9": 51457
        },
        "cpu": {
          "1": 292313,
          "9": 654129,
          "36": 424663
        }
      }
    }
  }
}
