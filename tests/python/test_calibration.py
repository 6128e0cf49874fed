"""A small calibration of the worked example's data: the Python loader and the report read it."""
import os
import subprocess
import sys
import tempfile

motsim, src = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(src, "scripts"))
import motsim as md  # noqa: E402
from motsim.report import write_report  # noqa: E402


def check(cond, what):
    if not cond:
        sys.exit(f"FAIL: {what}")


with tempfile.TemporaryDirectory() as tmp:
    spec = os.path.join(tmp, "spec.toml")
    with open(spec, "w") as f:
        f.write(f'''base = "{src}/scenarios/baseline.toml"
set = ["simulation.agents=3000"]
particles = 20
generations = 2
predictive_draws = 10
[data]
files = ["{src}/scenarios/data/launch_weeks.csv"]
training_periods = 8
[parameters]
"product.Pulse.quality" = {{ prior = "uniform", min = 4, max = 9.5 }}
scale = {{ prior = "log_uniform", min = 50, max = 400 }}
''')
    subprocess.run([motsim, "calibrate", spec, "--out", f"{tmp}/c.h5", "--quiet"], check=True, stdout=subprocess.DEVNULL)
    cal = md.load_calibration(f"{tmp}/c.h5")
    check(list(cal["posterior"].index) == ["product.Pulse.quality", "scale"], "posterior rows")
    check(len(cal["generations"]) == 2 and len(cal["particles"]) == 2 * 20, "generations and particles")
    check(abs(cal["particles"].groupby("generation")["weight"].sum() - 1).max() < 1e-9, "weights sum to 1")
    fc = cal["forecast"]
    check(set(fc["series"]) == {"units", "reviews", "rating_mean"} and fc["period"].max() == 51, "a year of weeks")
    check(cal["scores"]["held_out"] > 0 and 0 <= cal["scores"]["coverage90"] <= 1, "scores")
    check(cal["observed"]["training"].sum() == 8 * 3 * 3 - 2, "training cells (Pulse has no rating in weeks 1-2)")
    page = write_report(f"{tmp}/c.h5", f"{tmp}/rep")
    check({"forecast_units.png", "posterior.png", "convergence.png"} <= set(page.images), "report figures")
print("calibration loader and report: all checks passed")
