// Written by `npm run bench:archs` from the result file named in `source` — do not edit by hand.
// The speeds (samples/s summed, by model count) the auto engine choice reads (engineChoice.ts).
export const MEASURED_SPEEDS = {
  "source": "bench/results/archs-2026-12-01.json",
  "measured": "2026-12-01, AMD EPYC × 2 cores, load average 8.91 → 4.45",
  "adapters": {
    "software": {
      "linear": {
        "gpu": {
          "1": 1511695,
          "9": 3614043,
          "36": 3742787
        },
        "cpu": {
          "1": 7939276,
          "9": 13992768,
          "36": 11058558
        }
      },
      "mlp_small": {
        "gpu": {
          "1": 1537385,
          "9": 2988402,
          "36": 4073649
        },
        "cpu": {
          "1": 6022370,
          "9": 9388388,
          "36": 14271617
        }
      },
      "mlp_medium": {
        "gpu": {
          "1": 77181,
          "9": 94553,
          "36": 114716
        },
        "cpu": {
          "1": 1021622,
          "9": 953584,
          "36": 1880659
        }
      },
      "mlp_large": {
        "gpu": {
          "1": 60818,
          "9": 61010,
          "36": 59639
        },
        "cpu": {
          "1": 634618,
          "9": 630639,
          "36": 504059
        }
      }
    }
  }
}
