"""Reading the inputs: the data contract, the reference file, the extracts, and the tools that
draft or make them.
"""
