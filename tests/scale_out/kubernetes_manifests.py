#!/usr/bin/env python3
"""Runs examples/kubernetes' manifests without a cluster: each pod of the
Indexed Job is the container's command run with JOB_COMPLETION_INDEX set as
Kubernetes sets it (the /data volume mapped to a scratch folder), then the
assemble Job's command; the GGUF must equal a one-process export.

  kubernetes_manifests.py GMAT PYTHON REFERENCE_DIR EXAMPLES_DIR WORK
"""

import os
import shutil
import subprocess
import sys

import yaml


def main():
    gmat, python, reference, examples, work = sys.argv[1:6]
    shutil.rmtree(work, ignore_errors=True)
    data = os.path.join(work, "data")
    job = yaml.safe_load(open(os.path.join(examples, "kubernetes", "export-indexed-job.yaml")))
    final = yaml.safe_load(open(os.path.join(examples, "kubernetes", "assemble-job.yaml")))
    spec = job["spec"]
    assert spec["completionMode"] == "Indexed", "the export Job must be an Indexed Job"
    completions = spec["completions"]
    pods = [job["spec"]["template"]["spec"], final["spec"]["template"]["spec"]]
    for pod in pods:
        assert pod["containers"][0]["volumeMounts"][0]["mountPath"] == "/data"
        assert pod["volumes"][0]["persistentVolumeClaim"]["claimName"] == "gmat-data", "both Jobs share one volume"
    command = pods[0]["containers"][0]["command"]
    assert command[command.index("--part") + 1] == f"auto/{completions}", "--part auto/N must match completions"

    def local(args):
        return [gmat if a == "gmat" else a.replace("/data/", data + "/") for a in args]

    store = local([command[command.index("-m") + 1]])[0]
    profile = local([command[command.index("-c") + 1]])[0]
    output = local([command[command.index("-o") + 1]])[0]
    subprocess.run([python, os.path.join(reference, "make_llama_checkpoint.py"), os.path.join(work, "hf"), "--hidden",
                    "256", "--intermediate", "512", "--vocab", "512", "--seed", "7"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([gmat, "-q", "import", "-m", os.path.join(work, "hf"), "-o", os.path.dirname(store)], check=True)
    os.makedirs(os.path.dirname(profile))
    with open(profile, "w") as f:
        f.write('{"target_format": "gguf", "quantization": {"default_type": "q4_k_m"}}\n')
    os.makedirs(os.path.dirname(output))
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLURM_")}
    for index in range(completions):  # what each pod runs
        subprocess.run(local(command) + ["-q"], check=True, env=dict(env, JOB_COMPLETION_INDEX=str(index)))
    subprocess.run(local(pods[1]["containers"][0]["command"]) + ["-q"], check=True, env=env)
    reference_gguf = os.path.join(work, "one.gguf")
    subprocess.run([gmat, "-q", "export", "-m", store, "-c", profile, "-o", reference_gguf], check=True)
    with open(output, "rb") as a, open(reference_gguf, "rb") as b:
        if a.read() != b.read():
            sys.exit(f"FAIL: {output} differs from the one-process export")
    print(f"{completions} pods + assemble Job: byte-identical to one process")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
