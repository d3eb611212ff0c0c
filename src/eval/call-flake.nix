# hydrant's flake loader: the outputs of a locked flake, computed from its lock file the way
# Nix's own call-flake.nix does for `builtins.getFlake` (same `self`, same `inputs`), but with
# the lock hydrant computed and recorded (`nix flake metadata --no-write-lock-file`), so
# inputs a committed flake.lock lacks are pinned too and nothing is written anywhere. Every
# node, the flake itself included, is fetched by its locked attributes (rev, narHash), which
# pure and restricted evaluation allow and which make the evaluation reproducible.
{ lockFile, root }:
let
  allNodes = builtins.mapAttrs
    (key: node:
      let
        sourceInfo =
          if key == lockFile.root then builtins.fetchTree (removeAttrs root [ "dir" ])
          else builtins.fetchTree (node.info or { } // removeAttrs node.locked [ "dir" ]);
        subdir = if key == lockFile.root then root.dir or "" else node.locked.dir or "";
        flake = import (sourceInfo + (if subdir != "" then "/" else "") + subdir + "/flake.nix");
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
