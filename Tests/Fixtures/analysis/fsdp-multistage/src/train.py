from torch.distributed._composable.fsdp import fully_shard  # FSDP2 before torch 2.6


def shard(model):
    for block in model.layers:
        fully_shard(block)
    return fully_shard(model)
