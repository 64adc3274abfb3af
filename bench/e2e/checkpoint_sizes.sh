# Sourced by the end-to-end benchmark scripts: the random Llama checkpoint
# shapes they accept (tests/reference/make_llama_checkpoint.py arguments).
#   tiny    ~1 MB BF16   (CI's smoke run: the script works, figures mean nothing)
#   small   ~42 MB BF16
#   medium  ~311 MB BF16 (298 MiB; the README's end-to-end figures)
#   large   ~1.5 GB BF16
#   80m     ~166 MB BF16 (16 layers, 83M parameters)
#   850m    ~1.7 GB BF16 (16 layers, 852M parameters)
# Usage: checkpoint_dims SIZE   (sets the array `dims`, or exits 2)
checkpoint_dims() {
  case "$1" in
    tiny)   dims=(--hidden 256 --intermediate 512 --layers 1 --heads 4 --kv-heads 2 --vocab 512) ;;
    small)  dims=(--hidden 512 --intermediate 1536 --layers 4 --heads 8 --kv-heads 4 --vocab 8192) ;;
    medium) dims=(--hidden 1024 --intermediate 2816 --layers 8 --heads 16 --kv-heads 4 --vocab 32000) ;;
    large)  dims=(--hidden 2048 --intermediate 5632 --layers 12 --heads 16 --kv-heads 4 --vocab 32000) ;;
    80m)    dims=(--hidden 512 --intermediate 1536 --layers 16 --heads 8 --kv-heads 4 --vocab 32000) ;;
    850m)   dims=(--hidden 2048 --intermediate 5632 --layers 16 --heads 16 --kv-heads 4 --vocab 32000) ;;
    *) echo "unknown size '$1' (tiny, small, medium, large, 80m, 850m)" >&2; exit 2 ;;
  esac
}
