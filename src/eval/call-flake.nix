# hydrant's flake loader: the outputs of a locked flake, computed from its lock file the way
# Nix's own call-flake.nix does for `builtins.getFlake` (same `self`, same `inputs`, same
# source attributes), but with the lock hydrant computed and recorded (`nix flake metadata
# --no-write-lock-file`), so inputs a committed flake.lock lacks are pinned too and nothing is
# written anywhere. Fetching is done before evaluation: `sources` gives each node's store path
# (its locked narHash's) and attributes, so the evaluation needs no fetcher, no network and
# not Nix's `flakes` feature (whose `fetchTree`/`getFlake` would read outside restricted mode).
{ lockFile, sources }:
let
  allNodes = builtins.mapAttrs
    (key: node:
      let
        src = sources.${key};
        sourceInfo = src.info // { outPath = builtins.storePath src.info.outPath; };
        flake = import (sourceInfo + (if src.dir != "" then "/" + src.dir else "") + "/flake.nix");
        inputs = builtins.mapAttrs (name: spec: allNodes.${resolveInput spec}) (node.inputs or { });
        # An input is a node name, or a `follows` path from the root.
        resolveInput = spec: if builtins.isList spec then getInputByPath lockFile.root spec else spec;
        getInputByPath = nodeName: path:
          if path == [ ] then nodeName
          else getInputByPath
            (resolveInput lockFile.nodes.${nodeName}.inputs.${builtins.head path})
            (builtins.tail path);
        outputs = flake.outputs (inputs // { self = result; });
        result = outputs // sourceInfo // {
          inherit inputs outputs sourceInfo;
          _type = "flake";
        };
      in
      if node.flake or true then result else sourceInfo)
    lockFile.nodes;
in
allNodes.${lockFile.root}
