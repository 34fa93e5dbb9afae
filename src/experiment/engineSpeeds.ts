// Written by `npm run bench:archs` from the result file named in `source` — do not edit by hand.
// The speeds (samples/s summed, by model count) the auto engine choice reads (engineChoice.ts).
export const MEASURED_SPEEDS = {
  "source": "bench/results/archs-2026-12-01.json",
  "measured": "2026-12-01, AMD EPYC × 2 cores, load average 3.43 → 4.04",
  "adapters": {
    "software": {
      "linear": {
        "gpu": {
          "1": 1703422,
          "9": 2314007,
          "36": 4001143
        },
        "cpu": {
          "1": 8304959,
          "9": 11611867,
          "36": 26409583
        }
      },
      "mlp_small": {
        "gpu": {
          "1": 2079620,
          "9": 3861241,
          "36": 4029067
        },
        "cpu": {
          "1": 6575342,
          "9": 9488275,
          "36": 15495317
        }
      },
      "mlp_medium": {
        "gpu": {
          "1": 75608,
          "9": 99210,
          "36": 66927
        },
        "cpu": {
          "1": 998320,
          "9": 1545384,
          "36": 823850
        }
      },
      "mlp_large": {
        "gpu": {
          "1": 53603,
          "9": 106511,
          "36": 119091
        },
        "cpu": {
          "1": 631343,
          "9": 1400805,
          "36": 1649240
        }
      }
    }
  }
}
